using System.Collections.Concurrent;
using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Custos.Core.Keys;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.SecureUse;

/// <summary>
/// Interactive SSH sessions with an entry's credential (Use; TOM 6.9): opens them, keeps the list of live ones ("who is
/// connected where") for administrators, who can terminate any, and stores each session's encrypted recording with its
/// record when it ends. The start is on record before the connection opens; the end in the transaction that stores the
/// session record.
/// </summary>
public sealed class SshShells(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer,
    SshHostKeys hostKeys, IBlobStore blobs, TimeProvider time)
{
    public const string Term = "xterm-256color";
    public const string RecordingKeyField = "recording-key";
    /// <summary>The longest a session lasts where the folder's policy says nothing shorter.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<Guid, SshShell> live = new();

    public sealed record LiveSession(Guid Id, Guid TenantId, Guid EntryId, string Actor, string Target, DateTimeOffset StartedAt, long BytesOut, long BytesIn);

    public sealed record SessionView(Guid Id, Guid TenantId, Guid EntryId, string Actor, string Target, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
        string EndReason, long BytesOut, long BytesIn, bool HasRecording, bool InputRecorded, DateOnly? RetainUntil, DateTimeOffset? RecordingExpiredAt);

    internal static (int Cols, int Rows) Clamp(int cols, int rows) => (Math.Clamp(cols, 10, 1000), Math.Clamp(rows, 2, 1000));

    /// <param name="reason">Why (a ticket number): recorded with the session, and required where the folder's policy says so.</param>
    public async Task<Result<SshShell>> OpenAsync(TenantId tenant, Guid entryId, int cols, int rows, string? reason, VaultCaller caller,
        CancellationToken ct = default)
    {
        (cols, rows) = Clamp(cols, rows);
        if (reason is { Length: > 500 }) return SshErrors.Invalid("A reason has at most 500 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await SshAccess.LoginAsync(db, accessCache, audit, sealer, tenant, entryId, caller, "ssh.session", reason, time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var (target, login, policy) = admitted.Value;
        var retainUntil = await RecordingRetainUntilAsync(db, policy, ct);

        var id = Guid.CreateVersion7();
        var subject = VaultAudit.EntryTarget(entryId);
        Renci.SshNet.SshClient client;
        try
        {
            // On record before the credential goes anywhere; if it cannot be written, nothing is sent.
            await audit.RecordAsync(db, VaultAudit.Entry(caller, "ssh.session", tenant, subject, AuditOutcome.Success,
                ("session", id.ToString()), ("target", target.ToString()), ("reason", reason), ("client", caller.Client),
                ("input", policy.SessionRecordInput ? "recorded" : null),
                ("retainUntil", retainUntil is { } until ? until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null)), ct);
            var connected = await SshConnect.OpenAsync(hostKeys, tenant, entryId, target, login, caller, ct);
            if (!connected.Succeeded)
            {
                login.Dispose();
                await audit.RecordAsync(db, VaultAudit.Entry(caller, "ssh.session_end", tenant, subject, AuditOutcome.Failure,
                    ("session", id.ToString()), ("target", target.ToString()), ("reason", connected.Error!.Code)), CancellationToken.None);
                return connected.Error!;
            }
            client = connected.Value!;
        }
        catch
        {
            login.Dispose();
            throw;
        }
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        try
        {
            var wrapped = await sealer.SealBytesAsync(tenant, id, RecordingKeyField, 1, key, ct);
            var shell = client.CreateShellStream(Term, (uint)cols, (uint)rows, 0, 0, 64 * 1024);
            var writer = await blobs.CreateUniqueAsync(ct);
            var encrypting = new SegmentedEncryptingStream(writer.Stream, key, Documents.DocumentContent.AssociatedData(tenant, id), leaveOpen: true);
            var session = new SshShell(this, id, tenant, entryId, target, caller.User, caller.Actor.Name, time.StoredNow(), client, login, shell, writer,
                encrypting, wrapped, cols, rows, policy.SessionMaxMinutes is { } most ? TimeSpan.FromMinutes(most) : MaxLength,
                policy.SessionIdleMinutes is { } idle ? TimeSpan.FromMinutes(idle) : null, policy.SessionRecordInput, retainUntil, time);
            live[id] = session;
            return session;
        }
        catch
        {
            client.Dispose();
            login.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// The end of a new recording's retention: the policy's class (checked when the policy was saved) counted from today
    /// (UTC, as the sweep counts). A class removed or turned to "review" since then keeps the recording: an obligation
    /// to delete is never guessed.
    /// </summary>
    private async Task<DateOnly?> RecordingRetainUntilAsync(CustosDbContext db, FolderPolicy policy, CancellationToken ct) =>
        policy.RecordingRetentionClass is { } name && await Documents.RetentionRules.ClassNamedAsync(db, name, ct) is { Action: Documents.RetentionAction.Delete } cls
            ? cls.RetainUntil(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
            : null;

    /// <summary>Live sessions of every tenant (administrators).</summary>
    public IReadOnlyList<LiveSession> Live() =>
        live.Values.OrderBy(s => s.StartedAt).Select(s => new LiveSession(s.Id, s.Tenant.Value, s.EntryId, s.Actor, s.Target.ToString(), s.StartedAt,
            s.BytesOut, s.BytesIn)).ToList();

    /// <summary>Ends a live session at once (administrators); false when no such session is live on this node.</summary>
    public async Task<bool> TerminateAsync(Guid id, Actor by, CancellationToken ct = default)
    {
        if (!live.TryGetValue(id, out var session)) return false;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            await audit.RecordAsync(db, new AuditEntry(by.Name, "ssh.session_terminate", AuditOutcome.Success, session.Tenant,
                VaultAudit.EntryTarget(session.EntryId), by.ClientAddress, new Dictionary<string, string?> { ["session"] = id.ToString(), ["user"] = session.Actor }), ct);
        session.Terminate();
        return true;
    }

    /// <summary>The sessions of an entry, newest first (Manage on the entry).</summary>
    public async Task<Result<IReadOnlyList<SessionView>>> ListAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await SshAccess.AdmitAsync(db, accessCache, audit, tenant, entryId, caller, VaultRights.Manage, "ssh.sessions", time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var rows = await db.SshSessions.AsNoTracking().Where(s => s.TenantId == tenant && s.EntryId == entryId).OrderByDescending(s => s.StartedAt).Take(500)
            .ToListAsync(ct);
        return Result<IReadOnlyList<SessionView>>.Ok(rows.Select(s => new SessionView(s.Id, s.TenantId.Value, s.EntryId, s.Actor, s.Target, s.StartedAt, s.EndedAt,
            s.EndReason, s.BytesOut, s.BytesIn, s.RecordingAddress is not null, s.InputRecorded, s.RetainUntil, s.RecordingExpiredAt)).ToList());
    }

    /// <summary>A session's recording as asciicast v2 (Manage on the entry); watching it is on record.</summary>
    public async Task<Result<byte[]>> RecordingAsync(TenantId tenant, Guid entryId, Guid sessionId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await SshAccess.AdmitAsync(db, accessCache, audit, tenant, entryId, caller, VaultRights.Manage, "ssh.recording", time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var row = await db.SshSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.TenantId == tenant && s.EntryId == entryId, ct);
        if (row?.RecordingAddress is null || row.RecordingKey is null) return VaultErrors.NotFound;
        await using var blob = await blobs.OpenReadAsync(row.RecordingAddress, ct);
        if (blob is null) return VaultErrors.NotFound;
        var key = await sealer.OpenBytesAsync(tenant, row.Id, RecordingKeyField, 1, row.RecordingKey, ct);
        try
        {
            await using var plain = new SegmentedDecryptingStream(blob, key, Documents.DocumentContent.AssociatedData(tenant, row.Id));
            var content = new MemoryStream();
            await plain.CopyToAsync(content, ct);
            await audit.RecordAsync(db, VaultAudit.Entry(caller, "ssh.recording", tenant, VaultAudit.EntryTarget(entryId), AuditOutcome.Success,
                ("session", sessionId.ToString())), ct);
            return content.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Seals the recording, stores its blob and the session record with the end event in one transaction.</summary>
    internal async Task FinishAsync(SshShell session, string reason, SegmentedEncryptingStream recording, IBlobWriter writer)
    {
        live.TryRemove(session.Id, out _);
        string? address = null;
        byte[]? sha = null;
        long size = 0;
        try
        {
            await recording.FinishAsync(); // the final segment: without it a reader rejects the recording as cut short
            sha = recording.PlaintextSha256;
            await recording.DisposeAsync();
            var blob = await writer.CommitAsync();
            address = blob.Address;
            size = blob.Length;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or CryptographicException)
        {
            // The session record is kept without a recording; the end event says so.
            reason = reason == "closed" ? "failed" : reason;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.SshSessions.Add(new SshSessionRecord
        {
            Id = session.Id, TenantId = session.Tenant, EntryId = session.EntryId, UserId = session.User, Actor = session.Actor, Target = session.Target.ToString(),
            StartedAt = session.StartedAt, EndedAt = time.StoredNow(), EndReason = reason, BytesOut = session.BytesOut, BytesIn = session.BytesIn,
            RecordingAddress = address, RecordingKey = address is null ? null : session.RecordingKey, RecordingSha256 = sha, RecordingSize = size,
            InputRecorded = session.RecordsInput, RetainUntil = session.RetainUntil,
        });
        var seconds = (time.GetUtcNow() - session.StartedAt).TotalSeconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
        await audit.CommitAsync(db, tx, new AuditEntry(session.Actor, "ssh.session_end", reason is "closed" ? AuditOutcome.Success : AuditOutcome.Failure,
            session.Tenant, VaultAudit.EntryTarget(session.EntryId), null, new Dictionary<string, string?>
            {
                ["session"] = session.Id.ToString(), ["target"] = session.Target.ToString(), ["reason"] = reason, ["seconds"] = seconds,
                ["bytes_out"] = session.BytesOut.ToString(), ["recording"] = address is null ? "none" : "stored",
            }));
    }
}
