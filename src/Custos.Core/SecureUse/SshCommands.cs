using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Custos.Core.SecureUse;

/// <summary>
/// Runs a command on an entry's SSH target with the entry's credential, for holders of Use (TOM 6.9: used, not
/// revealed): the secret is decrypted here, handed to the SSH library and never returned, logged or put into an error.
/// The start is on record (durably) before anything is sent; the end with exit status and duration after. The target
/// must present the host key that was confirmed for it (<see cref="SshHostKeys"/>).
/// </summary>
public sealed class SshCommands(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer,
    SshHostKeys hostKeys, TimeProvider time)
{
    /// <summary>Output kept per stream; more is read and dropped (the result says so), so a chatty command cannot fill memory.</summary>
    public const int MaxOutputBytes = 1 << 20;

    public const int MaxCommandLength = 8_000;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    public sealed record CommandResult(int? ExitStatus, string Output, string Errors, bool Truncated, double Seconds);

    /// <param name="reason">Why (a ticket number): recorded with the run, and required where the folder's policy says so.</param>
    public async Task<Result<CommandResult>> RunAsync(TenantId tenant, Guid entryId, string? command, TimeSpan? timeout, string? reason, VaultCaller caller,
        CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(command) || command.Length > MaxCommandLength || command.Contains('\0'))
            return SshErrors.Invalid($"A command has 1 to {MaxCommandLength:N0} characters.");
        var limit = timeout ?? DefaultTimeout;
        if (limit <= TimeSpan.Zero || limit > MaxTimeout) return SshErrors.Invalid("The timeout is between 1 second and 1 hour.");
        if (reason is { Length: > 500 }) return SshErrors.Invalid("A reason has at most 500 characters.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await SshAccess.LoginAsync(db, accessCache, audit, sealer, tenant, entryId, caller, "ssh.exec", reason, time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var target = admitted.Value.Target;
        using var login = admitted.Value.Login;
        if (admitted.Value.Policy.SessionMaxMinutes is { } most && limit > TimeSpan.FromMinutes(most)) limit = TimeSpan.FromMinutes(most);

        var subject = VaultAudit.EntryTarget(entryId);
        var started = Stopwatch.StartNew();
        // On record before the credential goes anywhere; if it cannot be written, nothing is sent.
        await audit.RecordAsync(db, VaultAudit.Entry(caller, "ssh.exec", tenant, subject, AuditOutcome.Success,
            ("target", target.ToString()), ("command", Truncate(command, 500)), ("reason", reason), ("client", caller.Client)), ct);

        var connected = await SshConnect.OpenAsync(hostKeys, tenant, entryId, target, login, caller, ct);
        if (!connected.Succeeded)
        {
            await EndAsync(db, caller, tenant, subject, target, AuditOutcome.Failure, started, ("reason", connected.Error!.Code));
            return connected.Error!;
        }
        using var client = connected.Value!;

        using var run = client.CreateCommand(command);
        var output = new BoundedText(MaxOutputBytes);
        var errors = new BoundedText(MaxOutputBytes);
        var drains = Task.WhenAll(output.DrainAsync(run.OutputStream), errors.DrainAsync(run.ExtendedOutputStream));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        var timedOut = false;
        var lost = false;
        try
        {
            await run.ExecuteAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }
        catch (Exception e) when (e is SshConnectionException or SocketException)
        {
            lost = true;
        }
        finally
        {
            // Ends the drains too if the remote command ignored the signal.
            if (client.IsConnected) client.Disconnect();
        }
        try
        {
            await drains.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or ObjectDisposedException or IOException or SshException)
        {
            // The connection is gone; what was read is kept.
        }
        if (lost || (timedOut && ct.IsCancellationRequested))
        {
            await EndAsync(db, caller, tenant, subject, target, AuditOutcome.Failure, started, ("reason", lost ? SshErrors.Unreachable.Code : "cancelled"));
            ct.ThrowIfCancellationRequested();
            return SshErrors.Unreachable;
        }
        var result = new CommandResult(timedOut ? null : run.ExitStatus, output.Text(), errors.Text(), output.Truncated || errors.Truncated,
            Math.Round(started.Elapsed.TotalSeconds, 3));
        await EndAsync(db, caller, tenant, subject, target, timedOut ? AuditOutcome.Failure : AuditOutcome.Success, started,
            ("exit", result.ExitStatus?.ToString() ?? "none"), ("bytes", (output.Bytes + errors.Bytes).ToString()), ("reason", timedOut ? SshErrors.TimedOut.Code : null));
        return timedOut ? SshErrors.TimedOut : result;
    }

    private async Task EndAsync(CustosDbContext db, VaultCaller caller, TenantId tenant, string subject, SshTarget target, AuditOutcome outcome,
        Stopwatch started, params (string Key, string? Value)[] details)
    {
        var all = new List<(string, string?)> { ("target", target.ToString()), ("seconds", started.Elapsed.TotalSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)) };
        all.AddRange(details.Where(d => d.Value is not null));
        // The end is recorded even when the caller went away meanwhile.
        await audit.RecordAsync(db, VaultAudit.Entry(caller, "ssh.exec_end", tenant, subject, outcome, [.. all]), CancellationToken.None);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Reads a stream to its end, keeping the first <paramref name="max"/> bytes.</summary>
    private sealed class BoundedText(int max)
    {
        private readonly MemoryStream kept = new();
        public long Bytes { get; private set; }
        public bool Truncated => Bytes > kept.Length;

        public async Task DrainAsync(Stream stream)
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                Bytes += read;
                var room = (int)Math.Min(read, max - kept.Length);
                if (room > 0) kept.Write(buffer, 0, room);
            }
        }

        public string Text() => Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }
}
