using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Custos.Core.SecureUse;

/// <summary>
/// File transfer on an entry's SSH target with the entry's credential (SFTP), for holders of Use: download, upload and
/// a directory listing. As with commands, the credential is used here and returned to nobody; each transfer is on record
/// before it starts (path, target, reason) and again when it ends (bytes, seconds, outcome).
/// </summary>
/// <remarks>
/// Uploads go to the target as they arrive. Screening them (the data sluice) is the sluice capability's job: once it
/// exists, this is one of its upload routes.
/// </remarks>
public sealed class SshFiles(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer,
    SshHostKeys hostKeys, TimeProvider time)
{
    public const int MaxPathLength = 4096;
    public const int MaxListing = 5000;

    public sealed record RemoteFile(string Name, string Path, long Size, bool IsDirectory, DateTimeOffset Modified);

    /// <summary>A remote file, opened and ready to stream; disposing it ends the transfer and puts the end on record.</summary>
    public sealed class Download : IAsyncDisposable
    {
        private readonly SshFiles owner;
        private readonly Session session;
        private readonly Stream remote;
        private long copied;
        private bool completed;

        internal Download(SshFiles owner, Session session, Stream remote, string name, long size)
        {
            this.owner = owner;
            this.session = session;
            this.remote = remote;
            Name = name;
            Size = size;
        }

        public string Name { get; }
        public long Size { get; }

        public async Task CopyToAsync(Stream destination, CancellationToken ct)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await remote.ReadAsync(buffer, ct)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                copied += read;
            }
            completed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await remote.DisposeAsync();
            await owner.EndAsync(session, completed ? AuditOutcome.Success : AuditOutcome.Failure, copied, completed ? null : "incomplete");
        }
    }

    /// <summary>Opens <paramref name="path"/> (relative to the login's home unless absolute) for download.</summary>
    public async Task<Result<Download>> OpenDownloadAsync(TenantId tenant, Guid entryId, string? path, string? reason, VaultCaller caller,
        CancellationToken ct = default)
    {
        if (ValidPath(path) is { } invalid) return invalid;
        var started = await StartAsync(tenant, entryId, "ssh.file_download", path!, reason, caller, ct);
        if (!started.Succeeded) return started.Error!;
        var session = started.Value!;
        try
        {
            var attributes = await session.Sftp.GetAttributesAsync(path!, ct);
            if (!attributes.IsRegularFile) throw new SftpPathNotFoundException();
            var remote = await session.Sftp.OpenAsync(path!, FileMode.Open, FileAccess.Read, ct);
            return new Download(this, session, remote, System.IO.Path.GetFileName(path!.TrimEnd('/')), attributes.Size);
        }
        catch (Exception e) when (Refusal(e) is { } error)
        {
            await EndAsync(session, AuditOutcome.Failure, 0, error.Code);
            return error;
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> on the target (replacing a file there); returns the bytes written.</summary>
    public async Task<Result<long>> UploadAsync(TenantId tenant, Guid entryId, string? path, Stream content, string? reason, VaultCaller caller,
        CancellationToken ct = default)
    {
        if (ValidPath(path) is { } invalid) return invalid;
        var started = await StartAsync(tenant, entryId, "ssh.file_upload", path!, reason, caller, ct);
        if (!started.Succeeded) return started.Error!;
        var session = started.Value!;
        long written = 0;
        // Written beside the target under a temporary name and renamed when complete, so a transfer that breaks off
        // never leaves half a file where the whole one was, or was expected.
        var partial = $"{path}.custos-{Guid.NewGuid():N}.part";
        try
        {
            await using (var remote = await session.Sftp.OpenAsync(partial, FileMode.CreateNew, FileAccess.Write, ct))
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    await remote.WriteAsync(buffer.AsMemory(0, read), ct);
                    written += read;
                }
            }
            // posix-rename (an OpenSSH extension) replaces an existing file in one step; plain SFTP rename would refuse.
            session.Sftp.RenameFile(partial, path!, isPosix: true);
            await EndAsync(session, AuditOutcome.Success, written, null);
            return written;
        }
        catch (Exception e)
        {
            await RemoveQuietlyAsync(session.Sftp, partial);
            await EndAsync(session, AuditOutcome.Failure, written, Refusal(e)?.Code ?? "incomplete");
            if (Refusal(e) is { } error) return error;
            throw;
        }
    }

    private static async Task RemoveQuietlyAsync(SftpClient sftp, string path)
    {
        try
        {
            if (sftp.IsConnected) await sftp.DeleteFileAsync(path, CancellationToken.None);
        }
        catch (Exception e) when (e is SshException or IOException or SocketException or InvalidOperationException)
        {
            // Nothing was written there, or the connection is gone.
        }
    }

    /// <summary>The entries of a directory on the target (at most <see cref="MaxListing"/>), directories first.</summary>
    public async Task<Result<IReadOnlyList<RemoteFile>>> ListAsync(TenantId tenant, Guid entryId, string? path, VaultCaller caller, CancellationToken ct = default)
    {
        path = string.IsNullOrEmpty(path) ? "." : path;
        if (ValidPath(path) is { } invalid) return invalid;
        var started = await StartAsync(tenant, entryId, "ssh.file_list", path, null, caller, ct);
        if (!started.Succeeded) return started.Error!;
        var session = started.Value!;
        var files = new List<RemoteFile>();
        try
        {
            await foreach (var file in session.Sftp.ListDirectoryAsync(path, ct))
            {
                if (file.Name is "." or "..") continue;
                files.Add(new RemoteFile(file.Name, file.FullName, file.Length, file.IsDirectory, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)));
                if (files.Count >= MaxListing) break;
            }
            await EndAsync(session, AuditOutcome.Success, 0, null);
        }
        catch (Exception e) when (Refusal(e) is { } error)
        {
            await EndAsync(session, AuditOutcome.Failure, 0, error.Code);
            return error;
        }
        return files.OrderByDescending(f => f.IsDirectory).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    internal sealed record Session(CustosDbContext Db, SftpClient Sftp, SshLogin Login, VaultCaller Caller, TenantId Tenant, Guid EntryId, SshTarget Target,
        string Action, string Path, Stopwatch Clock);

    private async Task<Result<Session>> StartAsync(TenantId tenant, Guid entryId, string action, string path, string? reason, VaultCaller caller,
        CancellationToken ct)
    {
        if (reason is { Length: > 500 }) return SshErrors.Invalid("A reason has at most 500 characters.");
        var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            var admitted = await SshAccess.LoginAsync(db, accessCache, audit, sealer, tenant, entryId, caller, action, reason, time, ct);
            if (!admitted.Succeeded)
            {
                await db.DisposeAsync();
                return admitted.Error!;
            }
            var (target, login, _) = admitted.Value;
            // On record before the credential goes anywhere; if it cannot be written, nothing is sent.
            await audit.RecordAsync(db, VaultAudit.Entry(caller, action, tenant, VaultAudit.EntryTarget(entryId), AuditOutcome.Success,
                ("target", target.ToString()), ("path", path), ("reason", reason), ("client", caller.Client)), ct);
            var clock = Stopwatch.StartNew();
            var connected = await SshConnect.OpenAsync(hostKeys, tenant, entryId, target, login, caller, connection => new SftpClient(connection), ct);
            if (!connected.Succeeded)
            {
                login.Dispose();
                await audit.RecordAsync(db, VaultAudit.Entry(caller, "ssh.file_end", tenant, VaultAudit.EntryTarget(entryId), AuditOutcome.Failure,
                    ("target", target.ToString()), ("path", path), ("reason", connected.Error!.Code)), CancellationToken.None);
                await db.DisposeAsync();
                return connected.Error!;
            }
            return new Session(db, connected.Value!, login, caller, tenant, entryId, target, action, path, clock);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>Puts the end on record (even when the caller went away meanwhile) and lets go of the connection.</summary>
    private async Task EndAsync(Session session, AuditOutcome outcome, long bytes, string? reason)
    {
        try
        {
            var details = new List<(string, string?)>
            {
                ("target", session.Target.ToString()), ("action", session.Action), ("path", session.Path), ("bytes", bytes.ToString(CultureInfo.InvariantCulture)),
                ("seconds", session.Clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)),
            };
            if (reason is not null) details.Add(("reason", reason));
            await audit.RecordAsync(session.Db, VaultAudit.Entry(session.Caller, "ssh.file_end", session.Tenant, VaultAudit.EntryTarget(session.EntryId), outcome,
                [.. details]), CancellationToken.None);
        }
        finally
        {
            session.Sftp.Dispose();
            session.Login.Dispose();
            await session.Db.DisposeAsync();
        }
    }

    private static Error? ValidPath(string? path) =>
        string.IsNullOrEmpty(path) || path.Length > MaxPathLength || path.Contains('\0')
            ? SshErrors.Invalid($"Give a path on the target (1 to {MaxPathLength:N0} characters).")
            : null;

    /// <summary>Our error for what the target or the connection answered; null for anything else (a bug: it propagates).</summary>
    private static Error? Refusal(Exception e) => e switch
    {
        SftpPathNotFoundException => SshErrors.NoSuchFile,
        SftpPermissionDeniedException => SshErrors.FileDenied,
        SshConnectionException or SocketException or SshOperationTimeoutException or IOException => SshErrors.TransferFailed,
        SshException => SshErrors.TransferFailed,
        _ => null,
    };
}
