using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Backup.Restic;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Documents.Blobs;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>A restored document: where it is now, and what it was restored from.</summary>
public sealed record RestoredDocument(Guid Tenant, Guid Document, string Path, string Snapshot, DateTimeOffset SnapshotTime, int FromVersion,
    int NewVersion, string Sha256, long Size, bool Recreated);

/// <summary>
/// Brings one document version back from a snapshot into the running instance (TOM 10.3 "restore of single files"): the
/// snapshot's catalog names its blob and sealed key, restic restores that one blob into a private folder, the content is
/// decrypted (each segment authenticated), stored again under a new key as the next version (or as a recreated document
/// when it was deleted since), and kept only if its SHA-256 equals the one recorded when it was first stored. A document
/// in the erasure journal is refused: an erasure is never undone by a restore.
/// </summary>
public sealed class DocumentRestore(IDbContextFactory<CustosDbContext> dbFactory, BackupTargets targets, DocumentContent content, SecretSealer sealer,
    DocumentIndexer indexer, AuditLog audit, BackupOptions options, TimeProvider time)
{
    public async Task<Result<RestoredDocument>> RestoreAsync(string? targetName, string snapshotId, string? tenantName, string reference, Actor actor,
        CancellationToken ct = default)
    {
        var target = await ChooseTargetAsync(targetName, ct);
        if (target is null) return targetName is null ? BackupErrors.Invalid("No backup target is configured.") : BackupErrors.NotFound;
        var (what, version) = Parse(reference);
        if (what.Length == 0) return BackupErrors.Invalid("Name the document: its path (with --tenant) or its id, optionally @VERSION.");

        string? tempDir = null;
        try
        {
            var repo = await targets.OpenAsync(target, ct);
            // Two restic starts in all (the catalog, then the blob with the manifest): "latest" is the run this instance recorded.
            var snapshot = await SnapshotFiles.NameAsync(repo, snapshotId, await targets.LatestRecordedSnapshotAsync(target.Id, ct), ct);
            var catalog = BackupCatalog.Read(await SnapshotFiles.ReadAsync(repo, snapshot, BackupCatalog.FileName, 1L << 30, ct));
            var matches = Guid.TryParse(what, out var id)
                ? catalog.Where(c => c.Document == id).ToList()
                : catalog.Where(c => string.Equals(c.TenantName, tenantName, StringComparison.OrdinalIgnoreCase) && c.Path == what.Trim('/')).ToList();
            if (!Guid.TryParse(what, out _) && string.IsNullOrWhiteSpace(tenantName))
                return BackupErrors.Invalid("A document named by its path needs its tenant (--tenant).");
            if (matches.Count == 0) return BackupErrors.Invalid($"Snapshot {snapshot.ShortId} holds no document \"{what}\".");
            if (matches.Select(m => m.Document).Distinct().Count() > 1) return BackupErrors.Invalid($"\"{what}\" names several documents in that snapshot; use the document id.");
            var pick = version is { } n ? matches.SingleOrDefault(m => m.Number == n) : matches.MaxBy(m => m.Number);
            if (pick is null) return BackupErrors.Invalid($"Snapshot {snapshot.ShortId} holds versions {string.Join(", ", matches.Select(m => m.Number))} of \"{what}\", not {version}.");

            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var erased = await db.ErasureJournal.AsNoTracking().Where(e => e.DocumentId == pick.Document).FirstOrDefaultAsync(ct);
                if (erased is not null)
                    return BackupErrors.Invalid($"\"{pick.Path}\" was erased on {erased.ErasedAt:yyyy-MM-dd} ({erased.Trigger}); an erased document is never restored.");
            }

            tempDir = Path.Combine(options.WorkDirectory, "restore-" + Guid.NewGuid().ToString("N"));
            InstanceStaging.CreatePrivate(tempDir);
            var blobPath = $"/blobs/{pick.BlobAddress[..2]}/{pick.BlobAddress[2..4]}/{pick.BlobAddress}";
            await repo.RestoreAsync(snapshot.Id, tempDir, [blobPath, "/" + BackupManifest.FileName], ct);
            var taken = snapshot.Time ?? (await SnapshotFiles.ManifestAsync(tempDir, ct)).CreatedAt;
            var unpacked = new DocumentContent(new LocalBlobStore(Path.Combine(tempDir, "blobs")), sealer);
            await using var plain = await unpacked.OpenAsync(new TenantId(pick.Tenant), pick.VersionId, pick.BlobAddress, pick.WrappedKey, ct)
                ?? throw new BackupException($"The snapshot does not hold the blob of version {pick.Number} of \"{pick.Path}\".");
            return await StoreAsync(pick, snapshot, taken, plain, actor, ct);
        }
        catch (ResticException e)
        {
            return BackupErrors.Restic(e.Message);
        }
        catch (BackupException e)
        {
            return BackupErrors.Invalid(e.Message);
        }
        finally
        {
            if (tempDir is not null && Directory.Exists(tempDir)) Directory.Delete(tempDir, recursive: true);
        }
    }

    private async Task<Result<RestoredDocument>> StoreAsync(CatalogVersion pick, SnapshotRef snapshot, DateTimeOffset taken, Stream plain, Actor actor, CancellationToken ct)
    {
        var tenant = new TenantId(pick.Tenant);
        var versionId = Guid.CreateVersion7();
        DocumentContent.Stored stored;
        try
        {
            stored = await content.StoreAsync(tenant, versionId, plain, ct);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return BackupErrors.Invalid($"Version {pick.Number} of \"{pick.Path}\" in snapshot {snapshot.ShortId} fails its authentication: the backup is damaged. Nothing was restored.");
        }
        if (!string.Equals(Convert.ToHexStringLower(stored.Sha256), pick.Sha256, StringComparison.Ordinal))
        {
            await content.DiscardAsync(stored.Address, CancellationToken.None);
            return BackupErrors.Invalid($"Version {pick.Number} of \"{pick.Path}\" does not match its recorded SHA-256; nothing was restored.");
        }

        var committed = false;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = time.StoredNow();
            var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == pick.Document && d.TenantId == tenant, ct);
            var recreated = document is null;
            if (document is null)
            {
                var folder = await db.DocumentFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == pick.Folder && f.TenantId == tenant, ct);
                if (folder is null) return BackupErrors.Invalid($"The folder of \"{pick.Path}\" no longer exists; create it again, then restore the document.");
                var name = pick.Path.Split('/')[^1];
                if (await db.Documents.AnyAsync(d => d.FolderId == folder.Id && d.Name == name, ct))
                    name = $"{Path.GetFileNameWithoutExtension(name)} (restored {taken:yyyy-MM-dd}){Path.GetExtension(name)}";
                document = new Document
                {
                    Id = pick.Document, TenantId = tenant, ProjectId = folder.ProjectId, FolderId = folder.Id, Name = name, CurrentVersion = 0,
                    CreatedAt = now, CreatedBy = actor.Name, ModifiedAt = now, DocumentDate = DateOnly.FromDateTime(pick.CreatedAt.UtcDateTime),
                };
                document.RetainUntil = (await RetentionRules.EffectiveClassAsync(db, folder.Id, null, ct))?.RetainUntil(document.DocumentDate);
                db.Documents.Add(document);
            }
            else if (document.LockedBy is not null)
                return BackupErrors.Invalid($"\"{pick.Path}\" is checked out by {document.LockedByName}; it must be checked in or released before a version is restored into it.");
            else if (document.RestrictionId is not null)
                return BackupErrors.Invalid($"\"{pick.Path}\" is restricted by an erasure request; nothing is restored into it.");

            var number = document.CurrentVersion + 1;
            document.CurrentVersion = number;
            document.ModifiedAt = now;
            document.RowVersion++;
            db.DocumentVersions.Add(new DocumentVersion
            {
                Id = versionId, DocumentId = document.Id, TenantId = tenant, Number = number, Size = stored.Size, Sha256 = stored.Sha256, MediaType = pick.MediaType,
                Author = actor.Name, CreatedAt = now, BlobAddress = stored.Address, WrappedKey = stored.WrappedKey,
                Comment = $"Restored from backup snapshot {snapshot.ShortId} ({taken.UtcDateTime:yyyy-MM-dd HH:mm} UTC): version {pick.Number} of {pick.CreatedAt:yyyy-MM-dd} by {pick.Author}",
            });
            await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.restore_document", AuditOutcome.Success, tenant, DocumentAudit.DocumentTarget(document.Id),
                actor.ClientAddress, new Dictionary<string, string?>
                {
                    ["path"] = pick.Path, ["snapshot"] = snapshot.Id, ["fromVersion"] = pick.Number.ToString(CultureInfo.InvariantCulture),
                    ["version"] = number.ToString(CultureInfo.InvariantCulture), ["sha256"] = pick.Sha256, ["recreated"] = recreated.ToString().ToLowerInvariant(),
                }), ct);
            committed = true;
            indexer.Poke();
            return new RestoredDocument(pick.Tenant, document.Id, pick.Path, snapshot.Id, taken, pick.Number, number, pick.Sha256, stored.Size, recreated);
        }
        catch (DbUpdateConcurrencyException)
        {
            return BackupErrors.Invalid($"\"{pick.Path}\" changed while it was restored; try again.");
        }
        finally
        {
            if (!committed) await content.DiscardAsync(stored.Address, CancellationToken.None);
        }
    }

    private async Task<BackupTarget?> ChooseTargetAsync(string? name, CancellationToken ct)
    {
        if (name is not null) return await targets.FindAsync(name, ct);
        var all = await targets.ListAsync(ct);
        return all.FirstOrDefault(t => t.Role == BackupRole.Local) ?? all.FirstOrDefault();
    }

    /// <summary>"path/or/id@3" → ("path/or/id", 3); without a number after the last @, the whole text and no version.</summary>
    internal static (string What, int? Version) Parse(string reference)
    {
        var text = reference?.Trim() ?? "";
        var at = text.LastIndexOf('@');
        if (at > 0 && int.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return (text[..at], n);
        return (text, null);
    }
}
