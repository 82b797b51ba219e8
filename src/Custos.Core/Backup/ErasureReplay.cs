using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Documents.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Backup;

/// <summary>An erasure done again on a restored instance: which document, erased when, for what.</summary>
public sealed record ReappliedErasure(Guid Tenant, Guid Document, string Trigger, DateTimeOffset ErasedAt, int Versions);

/// <summary>
/// Applies the erasure journal to a restored instance before it serves anything: every journaled document the restored
/// database still holds loses its versions (and so their content keys), index rows, tags and row again, its blobs are
/// deleted, and each is recorded in the restored audit log. Retention and holds are not asked again: the erasure was
/// decided and done; the restore only undid it by accident.
/// </summary>
public static class ErasureReplay
{
    public static async Task<IReadOnlyList<ReappliedErasure>> ApplyAsync(IServiceProvider restored, IReadOnlyList<ErasureJournal.Line> journal, Actor actor,
        CancellationToken ct)
    {
        var dbFactory = restored.GetRequiredService<IDbContextFactory<CustosDbContext>>();
        var audit = restored.GetRequiredService<AuditLog>();
        var blobs = restored.GetRequiredService<IBlobStore>();
        var applied = new List<ReappliedErasure>();
        foreach (var line in journal)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var known = await db.ErasureJournal.AnyAsync(e => e.Id == line.Id, ct);
            var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == line.Document, ct);
            if (document is null && known) continue;
            var addresses = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == line.Document).Select(v => v.BlobAddress).ToListAsync(ct);
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await db.DocumentVersions.Where(v => v.DocumentId == line.Document).ExecuteDeleteAsync(ct);
                await DocumentSearchIndex.RemoveAsync(db, line.Document, ct);
                await db.DocumentTags.Where(t => t.DocumentId == line.Document).ExecuteDeleteAsync(ct);
                await db.Documents.Where(d => d.Id == line.Document).ExecuteDeleteAsync(ct);
                if (!known)
                    db.ErasureJournal.Add(new ErasureJournalEntry
                    {
                        Id = line.Id, TenantId = new TenantId(line.Tenant), DocumentId = line.Document, Versions = line.Versions, Trigger = line.Trigger,
                        ErasedAt = line.ErasedAt,
                    });
                var entries = new List<AuditEntry>();
                if (document is not null)
                    entries.Add(new AuditEntry(actor.Name, "backup.erasure.reapply", AuditOutcome.Success, new TenantId(line.Tenant), DocumentAudit.DocumentTarget(line.Document),
                        actor.ClientAddress, new Dictionary<string, string?>
                        {
                            ["erasedAt"] = line.ErasedAt.ToString("O", CultureInfo.InvariantCulture), ["trigger"] = line.Trigger, ["sha256"] = line.Versions,
                        }));
                if (entries.Count > 0) await audit.CommitAsync(db, tx, entries, ct);
                else
                {
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }
            }
            foreach (var address in addresses.Distinct()) await blobs.DeleteAsync(address, CancellationToken.None);
            if (document is not null)
                applied.Add(new ReappliedErasure(line.Tenant, line.Document, line.Trigger, line.ErasedAt, addresses.Count));
        }
        return applied;
    }
}
