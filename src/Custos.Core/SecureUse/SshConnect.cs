using System.Net.Sockets;
using Custos.Core.Common;
using Custos.Core.Vault;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Custos.Core.SecureUse;

/// <summary>Opens an SSH connection with an entry's login, accepting only the confirmed host key (<see cref="SshHostKeys"/>).</summary>
internal static class SshConnect
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A connected client, or the reason there is none (our message; the library's text may not travel).</summary>
    public static Task<Result<SshClient>> OpenAsync(SshHostKeys hostKeys, TenantId tenant, Guid entryId, SshTarget target, SshLogin login,
        VaultCaller caller, CancellationToken ct) =>
        OpenAsync(hostKeys, tenant, entryId, target, login, caller, connection => new SshClient(connection), ct);

    /// <summary>The same for another kind of client on the same login (SFTP for file transfer).</summary>
    public static async Task<Result<TClient>> OpenAsync<TClient>(SshHostKeys hostKeys, TenantId tenant, Guid entryId, SshTarget target, SshLogin login,
        VaultCaller caller, Func<ConnectionInfo, TClient> create, CancellationToken ct) where TClient : BaseClient
    {
        var connection = new ConnectionInfo(target.Host, target.Port, target.UserName, login.Method) { Timeout = ConnectTimeout };
        var client = create(connection);
        var check = await hostKeys.CheckerAsync(tenant, entryId, target, caller, ct);
        client.HostKeyReceived += (_, e) => e.CanTrust = check.Accept(e);
        try
        {
            await client.ConnectAsync(ct);
        }
        catch (Exception e) when (e is SshConnectionException or SshAuthenticationException or SocketException or SshOperationTimeoutException
                                      or ProxyException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            client.Dispose();
            await check.RecordAsync();
            return check.Refusal ?? (e is SshAuthenticationException ? SshErrors.LoginFailed : SshErrors.Unreachable);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        await check.RecordAsync();
        return client;
    }
}
