using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>The folder tree of a tenant's vault.</summary>
public sealed class VaultFolders(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    public async Task<Result<FolderView>> CreateAsync(TenantId tenant, FolderInput input, VaultCaller caller, CancellationToken ct = default)
    {
        if (input.Permissions is null) return VaultErrors.PermissionsRequired;
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) return VaultErrors.Invalid("A folder name has 1 to 200 characters.");
        if (input.Policy?.Validate() is { } badPolicy) return VaultErrors.Invalid(badPolicy);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await RecordingClassErrorAsync(db, input.Policy, ct) is { } badClass) return badClass;
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var target = VaultAudit.FolderTarget(input.ParentId);
        var rights = input.ParentId is { } parent ? access.OnFolder(parent) : access.OnRoot();
        if (rights == VaultRights.None && !(input.ParentId is null && access.TenantReachable))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.folder.create", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Create)
            || (input.Permissions.Count > 0 || !input.InheritRights) && !rights.Allows(VaultRights.Manage))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.folder.create", tenant, target, VaultErrors.Forbidden, ct);
        if (input.ParentId is { } p && access.IsSensitive(p) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        if (await db.VaultFolders.AnyAsync(f => f.TenantId == tenant && f.ParentId == input.ParentId && f.Name == name, ct))
            return VaultErrors.Invalid("A folder with this name exists here already.");

        var folder = new VaultFolder
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, ParentId = input.ParentId, Name = name, InheritRights = input.InheritRights,
            IsSensitive = input.IsSensitive, Policy = input.Policy?.ToJson(), CreatedAt = now, CreatedBy = caller.Actor.Name,
        };
        var grants = await VaultPermissions.ResolveAsync(db, tenant, folder.Id, null, input.Permissions, caller, now, ct);
        if (!grants.Succeeded) return grants.Error!;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultFolders.Add(folder);
        db.VaultGrants.AddRange(grants.Value!);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.folder.create", tenant, VaultAudit.FolderTarget(folder.Id), AuditOutcome.Success,
            ("name", name), ("parent", input.ParentId?.ToString()), ("inheritRights", input.InheritRights.ToString()),
            ("sensitive", input.IsSensitive.ToString()), ("permissions", VaultPermissions.Describe(input.Permissions))), ct);
        var created = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        return View(folder, created.OnFolder(folder.Id));
    }

    /// <summary>The folders the caller sees (with rights on them or below them), parents before children.</summary>
    public async Task<IReadOnlyList<FolderView>> ListAsync(TenantId tenant, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct);
        if (access.VisibleFolders.Count == 0) return [];
        var folders = await db.VaultFolders.AsNoTracking().Where(f => f.TenantId == tenant).ToListAsync(ct);
        return folders.Where(f => access.VisibleFolders.Contains(f.Id))
            .OrderBy(f => access.PathTo(f.Id).Count).ThenBy(f => f.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(f => View(f, access.OnFolder(f.Id), access.IsSensitive(f.Id))).ToList();
    }

    /// <summary>The caller's rights on the vault root (what top-level folders start from).</summary>
    public async Task<VaultRights> RootRightsAsync(TenantId tenant, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct)).OnRoot();
    }

    /// <summary>Renames a folder, or changes its sensitivity, inheritance or policy; needs Manage.</summary>
    public async Task<Result<FolderView>> UpdateAsync(TenantId tenant, Guid folderId, string? name, bool? sensitive, bool? inheritRights,
        FolderPolicy? policy, bool clearPolicy, VaultCaller caller, CancellationToken ct = default)
    {
        if (policy?.Validate() is { } badPolicy) return VaultErrors.Invalid(badPolicy);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!clearPolicy && await RecordingClassErrorAsync(db, policy, ct) is { } badClass) return badClass;
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct);
        var folder = await db.VaultFolders.SingleOrDefaultAsync(f => f.Id == folderId && f.TenantId == tenant, ct);
        var rights = folder is null ? VaultRights.None : access.OnFolder(folderId);
        var target = VaultAudit.FolderTarget(folderId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.folder.update", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Manage)) return await VaultAudit.DenyAsync(audit, db, caller, "vault.folder.update", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(folderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        if (name?.Trim() is { } newName)
        {
            if (newName.Length is 0 or > 200) return VaultErrors.Invalid("A folder name has 1 to 200 characters.");
            folder!.Name = newName;
        }
        if (sensitive is { } s) folder!.IsSensitive = s;
        if (inheritRights is { } i) folder!.InheritRights = i;
        if (clearPolicy) folder!.Policy = null;
        else if (policy is not null) folder!.Policy = policy.ToJson();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.folder.update", tenant, target, AuditOutcome.Success,
            ("name", folder!.Name), ("sensitive", folder.IsSensitive.ToString()), ("inheritRights", folder.InheritRights.ToString()),
            ("policy", folder.Policy)), ct);
        var after = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct);
        return View(folder, after.OnFolder(folderId), after.IsSensitive(folderId));
    }

    /// <summary>The policy's recording retention class must exist (the installation's classes) and delete when it runs out.</summary>
    private static async Task<Error?> RecordingClassErrorAsync(CustosDbContext db, FolderPolicy? policy, CancellationToken ct)
    {
        if (policy?.RecordingRetentionClass is not { } name) return null;
        var cls = await Documents.RetentionRules.ClassNamedAsync(db, name, ct);
        if (cls is null) return VaultErrors.Invalid($"There is no retention class named \"{name}\".");
        return cls.Action == Documents.RetentionAction.Delete ? null
            : VaultErrors.Invalid($"The retention class \"{name}\" asks for a review when it runs out; recordings need a class that deletes.");
    }

    private static FolderView View(VaultFolder f, VaultRights rights, bool sensitive = false) =>
        new(f.Id, f.ParentId, f.Name, f.InheritRights, sensitive || f.IsSensitive, rights.Describe(), FolderPolicy.FromJson(f.Policy));
}
