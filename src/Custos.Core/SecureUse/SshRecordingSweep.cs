using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.SecureUse;

/// <summary>
/// The end of an SSH recording's retention (issue 9; the folder policy's <see cref="FolderPolicy.RecordingRetentionClass"/>):
/// once its <see cref="SshSessionRecord.RetainUntil"/> has come, the recording is crypto-shredded like a document (its
/// wrapped key and address cleared, with an <c>ssh.recording_delete</c> event in the same transaction) and its blob
/// removed; the session record stays, marked with <see cref="SshSessionRecord.RecordingExpiredAt"/>. Legal holds are
/// placed on documents and document folders and so do not reach recordings. Every step is conditional, so runs on
/// several nodes at once (PostgreSQL) destroy each recording once.
/// </summary>
public sealed class SshRecordingSweep(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, IBlobStore blobs, TimeProvider time) : IDisposable
{
    public const string Actor = "system:retention";

    // One run at a time on this node: a run at start and a scheduled one do not interleave.
    private readonly SemaphoreSlim running = new(1, 1);

    /// <param name="Deleted">Recordings destroyed.</param>
    /// <param name="BlobsLeft">Of those, blobs that could not be removed yet (unreferenced now, the blob janitor removes them).</param>
    public sealed record Outcome(int Deleted, int BlobsLeft);

    public async Task<Outcome> RunAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            List<Guid> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                due = await db.SshSessions.AsNoTracking().Where(s => s.RetainUntil != null && s.RetainUntil <= today && s.RecordingAddress != null)
                    .OrderBy(s => s.RetainUntil).Select(s => s.Id).ToListAsync(ct);
            int deleted = 0, blobsLeft = 0;
            foreach (var id in due)
            {
                switch (await ShredAsync(id, today, ct))
                {
                    case true: deleted++; break;
                    case false: deleted++; blobsLeft++; break;
                    case null: break;
                }
            }
            return new Outcome(deleted, blobsLeft);
        }
        finally
        {
            running.Release();
        }
    }

    /// <returns>True when destroyed with its blob, false when its blob is left to the janitor, null when nothing was due (any more).</returns>
    private async Task<bool?> ShredAsync(Guid id, DateOnly today, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.SshSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is not { RecordingAddress: { } address, RetainUntil: { } until } || until > today) return null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Only the recording as it was read: another node that got there first has cleared the address.
            var cleared = await db.SshSessions.Where(s => s.Id == id && s.RecordingAddress == address)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.RecordingAddress, (string?)null).SetProperty(r => r.RecordingKey, (byte[]?)null)
                    .SetProperty(r => r.RecordingExpiredAt, time.StoredNow()), ct);
            if (cleared != 1) return null;
            await audit.CommitAsync(db, tx, new AuditEntry(Actor, "ssh.recording_delete", AuditOutcome.Success, row.TenantId,
                VaultAudit.EntryTarget(row.EntryId), null, new Dictionary<string, string?>
                {
                    ["session"] = row.Id.ToString(),
                    ["retainUntil"] = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["sha256"] = row.RecordingSha256 is { } sha ? Convert.ToHexStringLower(sha) : null,
                    ["size"] = row.RecordingSize.ToString(CultureInfo.InvariantCulture),
                    ["trigger"] = "retention",
                }), ct);
        }
        try
        {
            // Recording blobs are written under a unique address (never shared), so it can go at once.
            await blobs.DeleteAsync(address, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The key is gone, so the blob is unreadable; unreferenced, the janitor removes it on a later sweep.
            return false;
        }
    }

    public void Dispose() => running.Dispose();
}
