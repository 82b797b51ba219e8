using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Vault.Transfer;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>Where an import goes: a new folder (named, with explicitly chosen rights) under a parent or the vault root.</summary>
public sealed record ImportTarget(Guid? ParentId, string FolderName, IReadOnlyList<PermissionInput>? Permissions, bool InheritRights = true);

public sealed record ImportReport(Guid FolderId, int Folders, int Entries, int HistoryVersions, int Attachments,
    IReadOnlyList<TransferSkip> Skipped, IReadOnlyList<string> Warnings);

public sealed record ExportResult(TransferFolder Root, int Entries, int LeftOut);

/// <summary>
/// Moving credentials in and out. An import is one transaction: a file that fails half way leaves nothing behind. An
/// export holds only what the caller may read, and every exported entry counts as revealed to them.
/// </summary>
public sealed class VaultTransfer(
    IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, SecretSealer sealer, PasswordFingerprints fingerprints, StrengthRating strengthRating,
    TimeProvider time, Sluice.SluiceScreen sluice)
{
    public async Task<Result<ImportReport>> ImportAsync(TenantId tenant, TransferDocument document, ImportTarget target, string format,
        VaultCaller caller, CancellationToken ct = default)
    {
        if (target.Permissions is null) return VaultErrors.PermissionsRequired;
        var name = target.FolderName?.Trim() ?? "";
        if (name.Length is 0 or > 200) return VaultErrors.Invalid("Name the folder the import goes into (1 to 200 characters).");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await VaultAccess.LoadAsync(db, caller.User, tenant, now, ct);
        var auditTarget = VaultAudit.FolderTarget(target.ParentId);
        var rights = target.ParentId is { } parent ? access.OnFolder(parent) : access.OnRoot();
        if (rights == VaultRights.None && !(target.ParentId is null && access.TenantReachable))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.import", tenant, auditTarget, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Create) || (target.Permissions.Count > 0 || !target.InheritRights) && !rights.Allows(VaultRights.Manage))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.import", tenant, auditTarget, VaultErrors.Forbidden, ct);
        if (target.ParentId is { } p && access.IsSensitive(p) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        if (await db.VaultFolders.AnyAsync(f => f.TenantId == tenant && f.ParentId == target.ParentId && f.Name == name, ct))
            return VaultErrors.Invalid("A folder with this name exists here already; choose a new name for the import.");

        var top = new VaultFolder
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, ParentId = target.ParentId, Name = name, InheritRights = target.InheritRights,
            CreatedAt = now, CreatedBy = caller.Actor.Name,
        };
        var grants = await VaultPermissions.ResolveAsync(db, tenant, top.Id, null, target.Permissions, caller, now, ct);
        if (!grants.Succeeded) return grants.Error!;

        // Only new rows are added from here on: change detection over tens of thousands of them would cost seconds.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // Attachments in the file are inbound files: each passes the sluice before it is kept; one that does not is skipped, with why.
        var run = new ImportRun(tenant, caller, now, sealer, fingerprints, async (name, content, token) =>
        {
            var screened = await sluice.ScreenAsync(tenant, new MemoryStream(content, writable: false), name, "vault-import", caller.Actor, ct: token);
            return screened.Succeeded ? null : screened.Error!.Message;
        });
        db.VaultFolders.Add(top);
        db.VaultGrants.AddRange(grants.Value!);
        await run.AddFolderContentAsync(db, document.Root, top.Id, name, ct);
        var reused = await run.CountReusedAsync(db, ct);
        if (reused > 0) run.Warnings.Add($"{reused} imported passwords are held by other entries as well.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var skipped = document.Skipped.Concat(run.Skipped).ToList();
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.import", tenant, VaultAudit.FolderTarget(top.Id), AuditOutcome.Success,
            ("format", format), ("folder", name), ("folders", run.Folders.ToString()), ("entries", run.Entries.ToString()),
            ("historyVersions", run.Versions.ToString()), ("attachments", run.Attachments.ToString()), ("skipped", skipped.Count.ToString()),
            ("permissions", VaultPermissions.Describe(target.Permissions))), ct);
        // Strength estimates follow in the background (StrengthRating): the entries are usable now.
        strengthRating.Request();
        return new ImportReport(top.Id, run.Folders + 1, run.Entries, run.Versions, run.Attachments, skipped, run.Warnings);
    }

    /// <summary>
    /// The entries under <paramref name="folderId"/> (or the whole tenant) that the caller may read, as a transfer tree
    /// with history and attachments. Each exported entry is recorded as revealed, in one transaction with the audit event.
    /// </summary>
    public async Task<Result<ExportResult>> ExportAsync(TenantId tenant, Guid? folderId, string format, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await VaultAccess.LoadAsync(db, caller.User, tenant, now, ct);
        if (folderId is { } f && access.OnFolder(f) == VaultRights.None && !access.VisibleFolders.Contains(f))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.export", tenant, VaultAudit.FolderTarget(folderId), VaultErrors.NotFound, ct);
        if (!access.TenantReachable) return await VaultAudit.DenyAsync(audit, db, caller, "vault.export", tenant, VaultAudit.FolderTarget(folderId), VaultErrors.NotFound, ct);
        if (folderId is { } sf && access.IsSensitive(sf) && !caller.SteppedUp)
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.export", tenant, VaultAudit.FolderTarget(folderId), VaultErrors.StepUpRequired, ct);

        var folders = await db.VaultFolders.AsNoTracking().Where(x => x.TenantId == tenant).ToListAsync(ct);
        var inScope = folderId is null ? folders.Select(x => x.Id).ToHashSet() : Descendants(folders, folderId.Value);
        var entries = await db.VaultEntries.AsNoTracking().Where(e => e.TenantId == tenant).ToListAsync(ct);
        var readable = entries.Where(e => inScope.Contains(e.FolderId) && access.OnEntry(e).Allows(VaultRights.Read)
            && (!access.IsSensitive(e.FolderId) || caller.SteppedUp)).ToList();
        // Left out: what the caller sees but may not read here; entries and folders they cannot see are not mentioned at all.
        var leftOut = entries.Count(e => inScope.Contains(e.FolderId) && access.OnEntry(e) != VaultRights.None) - readable.Count;

        var nodes = folders.Where(x => inScope.Contains(x.Id) && access.VisibleFolders.Contains(x.Id)).ToDictionary(x => x.Id, x => new TransferFolder { Name = x.Name, SourceId = x.Id });
        var root = folderId is { } rootId ? nodes[rootId] : new TransferFolder { Name = "Custos" };
        foreach (var folder in folders.Where(x => nodes.ContainsKey(x.Id) && x.Id != folderId))
            (folder.ParentId is { } parentId && nodes.TryGetValue(parentId, out var parent) ? parent : root).Folders.Add(nodes[folder.Id]);

        var ids = readable.Select(e => e.Id).ToList();
        var versions = (await db.VaultEntryVersions.AsNoTracking().Where(v => ids.Contains(v.EntryId)).ToListAsync(ct)).ToLookup(v => v.EntryId);
        var attachments = (await db.VaultAttachments.AsNoTracking().Where(a => ids.Contains(a.EntryId)).ToListAsync(ct)).ToLookup(a => a.EntryId);
        foreach (var entry in readable)
        {
            var bundle = await sealer.OpenAsync(tenant, entry.Id, VaultEntries.SecretsField, entry.Version, entry.Secrets, ct);
            var item = ToTransfer(EntrySnapshot.Of(entry), bundle, entry.Id, entry.CreatedAt, entry.ModifiedAt);
            foreach (var v in versions[entry.Id].OrderBy(v => v.Version))
            {
                var old = await sealer.OpenAsync(tenant, v.Id, VaultEntries.SecretsField, v.Version, v.Secrets, ct);
                item.History.Add(ToTransfer(EntrySnapshot.FromJson(v.Snapshot), old, null, null, v.ValidFrom));
            }
            foreach (var a in attachments[entry.Id])
                item.Attachments.Add(new TransferAttachment(a.Name, await sealer.OpenBytesAsync(tenant, a.Id, "content", 1, a.Content, ct)));
            (nodes.TryGetValue(entry.FolderId, out var holder) ? holder : root).Entries.Add(item);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultReveals.AddRange(readable.Select(e => new VaultReveal
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, EntryId = e.Id, UserId = caller.User, Field = "export", EntryVersion = e.Version, At = now,
            ClientAddress = caller.Actor.ClientAddress, Client = "export",
        }));
        // TOM 6.9 as for every reveal: an exported entry set up for it asks to be rotated.
        var rotate = readable.Where(e => e.RotateAfterReveal && e.RotationReason is null).Select(e => e.Id).ToList();
        if (rotate.Count > 0)
        {
            var reason = $"exported by {caller.Actor.Name} at {now:yyyy-MM-dd HH:mm} UTC";
            await db.VaultEntries.Where(e => rotate.Contains(e.Id) && e.RotationReason == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RotationReason, reason), ct);
        }
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.export", tenant, VaultAudit.FolderTarget(folderId), AuditOutcome.Success,
            ("format", format), ("entries", readable.Count.ToString()), ("leftOut", leftOut.ToString())), ct);
        return new ExportResult(root, readable.Count, leftOut);
    }

    private static HashSet<Guid> Descendants(List<VaultFolder> folders, Guid top)
    {
        var children = folders.ToLookup(f => f.ParentId);
        var result = new HashSet<Guid> { top };
        var pending = new Queue<Guid>([top]);
        while (pending.TryDequeue(out var id))
            foreach (var child in children[id])
                if (result.Add(child.Id)) pending.Enqueue(child.Id);
        return result;
    }

    private static TransferEntry ToTransfer(EntrySnapshot s, SecretBundle bundle, Guid? id, DateTimeOffset? created, DateTimeOffset modified)
    {
        var entry = new TransferEntry
        {
            SourceId = id, Title = s.Title, UserName = s.UserName, Password = bundle.Password, Notes = bundle.Notes, Totp = bundle.Totp,
            Expires = s.ExpiresAt, Created = created, Modified = modified, ServiceLimitation = s.ServiceLimitation,
        };
        entry.Urls.AddRange(s.Urls);
        entry.Tags.AddRange(s.Tags);
        entry.Fields.AddRange(s.TextFields.Select(f => new TransferField(f.Key, f.Value, false)));
        entry.Fields.AddRange(bundle.Fields.Select(f => new TransferField(f.Key, f.Value, true)));
        return entry;
    }

    /// <summary>The rows one import adds, built up before the transaction that writes them.</summary>
    private sealed class ImportRun(TenantId tenant, VaultCaller caller, DateTimeOffset now, SecretSealer sealer, PasswordFingerprints fingerprints,
        Func<string, byte[], CancellationToken, Task<string?>> screen)
    {
        public int Folders, Entries, Versions, Attachments;
        public List<TransferSkip> Skipped { get; } = [];
        public List<string> Warnings { get; } = [];
        private readonly List<byte[]> prints = [];

        public async Task AddFolderContentAsync(CustosDbContext db, TransferFolder source, Guid folderId, string path, CancellationToken ct)
        {
            foreach (var entry in source.Entries) await AddEntryAsync(db, entry, folderId, $"{path}/{entry.Title}", ct);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var child in source.Folders)
            {
                var name = UniqueName(string.IsNullOrWhiteSpace(child.Name) ? "Folder" : child.Name.Trim(), names);
                var folder = new VaultFolder
                {
                    Id = Guid.CreateVersion7(), TenantId = tenant, ParentId = folderId, Name = name.Length > 200 ? name[..200] : name,
                    CreatedAt = now, CreatedBy = caller.Actor.Name,
                };
                db.VaultFolders.Add(folder);
                Folders++;
                await AddFolderContentAsync(db, child, folder.Id, $"{path}/{name}", ct);
            }
        }

        private async Task AddEntryAsync(CustosDbContext db, TransferEntry source, Guid folderId, string path, CancellationToken ct)
        {
            var entry = NewEntry(source, folderId, path);
            if (entry is null) return;
            var history = source.History.Where(h => h.Password is not null || h.Notes is not null || h.UserName is not null).ToList();
            entry.Version = history.Count + 1;
            var validFrom = source.Created ?? now;
            for (var i = 0; i < history.Count; i++)
            {
                var old = history[i];
                var snapshotEntry = NewEntry(old, folderId, path) ?? entry;
                var replacedAt = (i + 1 < history.Count ? history[i + 1].Modified : source.Modified) ?? now;
                var version = new VaultEntryVersion
                {
                    Id = Guid.CreateVersion7(), EntryId = entry.Id, TenantId = tenant, Version = i + 1, Snapshot = EntrySnapshot.Of(snapshotEntry).ToJson(),
                    Secrets = [], ValidFrom = (old.Modified ?? validFrom).ToStoredPrecision(), WrittenBy = "import", ReplacedAt = replacedAt.ToStoredPrecision(),
                    ReplacedBy = "import",
                };
                version.Secrets = await sealer.SealAsync(tenant, version.Id, VaultEntries.SecretsField, version.Version, Bundle(old), ct);
                db.VaultEntryVersions.Add(version);
                Versions++;
            }
            var bundle = Bundle(source);
            entry.SecretNames = bundle.Names();
            entry.Secrets = await sealer.SealAsync(tenant, entry.Id, VaultEntries.SecretsField, entry.Version, bundle, ct);
            entry.PasswordFingerprint = await fingerprints.OfAsync(bundle.Password, ct);
            if (entry.PasswordFingerprint is { } fp) prints.Add(fp);
            db.VaultEntries.Add(entry);
            Entries++;
            foreach (var file in source.Attachments)
            {
                if (file.Content.LongLength > VaultOptions.MaxAttachmentBytes)
                {
                    Skipped.Add(new TransferSkip($"{path}/{file.Name}", "attachment larger than 10 MiB"));
                    continue;
                }
                if (await screen(string.IsNullOrWhiteSpace(file.Name) ? "attachment" : Path.GetFileName(file.Name), file.Content, ct) is { } refused)
                {
                    Skipped.Add(new TransferSkip($"{path}/{file.Name}", refused));
                    continue;
                }
                var attachment = new VaultAttachment
                {
                    Id = Guid.CreateVersion7(), EntryId = entry.Id, TenantId = tenant, Name = string.IsNullOrWhiteSpace(file.Name) ? "attachment" : Path.GetFileName(file.Name),
                    Size = file.Content.LongLength, Sha256 = SHA256.HashData(file.Content), Content = [], CreatedAt = now, CreatedBy = caller.Actor.Name,
                };
                attachment.Content = await sealer.SealBytesAsync(tenant, attachment.Id, "content", 1, file.Content, ct);
                db.VaultAttachments.Add(attachment);
                Attachments++;
            }
        }

        private VaultEntry? NewEntry(TransferEntry source, Guid folderId, string path)
        {
            var title = string.IsNullOrWhiteSpace(source.Title) ? source.Urls.FirstOrDefault() ?? source.UserName ?? "" : source.Title.Trim();
            if (title.Length == 0)
            {
                Skipped.Add(new TransferSkip(path, "entry without title, URL or user name"));
                return null;
            }
            var modified = (source.Modified ?? source.Created ?? now).ToStoredPrecision();
            var fields = source.Fields.Where(f => !f.Secret).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value);
            return new VaultEntry
            {
                Id = Guid.CreateVersion7(), TenantId = tenant, FolderId = folderId, Title = Cut(title, 500), UserName = source.UserName is null ? null : Cut(source.UserName, 500),
                Urls = VaultJson.Of(source.Urls.Where(u => u.Length > 0).Take(50)), Tags = VaultJson.Of(source.Tags.Distinct().Take(50)),
                TextFields = VaultJson.Of(fields), Secrets = [], ExpiresAt = source.Expires?.ToStoredPrecision(),
                ServiceLimitation = source.ServiceLimitation is null ? null : Cut(source.ServiceLimitation, 1000),
                // PasswordStrength stays null: StrengthRating rates it after the commit.
                CreatedAt = (source.Created ?? now).ToStoredPrecision(), CreatedBy = caller.Actor.Name, ModifiedAt = modified, ModifiedBy = caller.Actor.Name,
                PasswordChangedAt = modified,
            };
        }

        private static SecretBundle Bundle(TransferEntry e) => new()
        {
            Password = e.Password is { Length: > 0 } ? e.Password : null, Notes = e.Notes is { Length: > 0 } ? e.Notes : null,
            Totp = e.Totp is { Length: > 0 } ? e.Totp : null,
            Fields = e.Fields.Where(f => f.Secret).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value),
        };

        /// <summary>Passwords of this import that other entries (of any tenant) or other imported entries hold too.</summary>
        public async Task<int> CountReusedAsync(CustosDbContext db, CancellationToken ct)
        {
            var within = prints.GroupBy(Convert.ToHexString).Where(g => g.Count() > 1).Sum(g => g.Count());
            var existing = 0;
            foreach (var chunk in prints.Chunk(500))
            {
                var list = chunk.ToList();
                existing += await db.VaultEntries.CountAsync(e => e.PasswordFingerprint != null && list.Contains(e.PasswordFingerprint), ct);
            }
            return within + existing;
        }

        private static string UniqueName(string name, HashSet<string> taken)
        {
            var candidate = name;
            for (var i = 2; !taken.Add(candidate); i++) candidate = $"{name} ({i})";
            return candidate;
        }

        private static string Cut(string value, int max) => value.Length > max ? value[..max] : value;
    }
}
