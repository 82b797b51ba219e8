using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>Where a grant applies: the tenant's vault root, a folder or an entry.</summary>
public sealed record GrantTarget(Guid? FolderId, Guid? EntryId)
{
    public static readonly GrantTarget Root = new(null, null);

    public string Audit => EntryId is { } e ? VaultAudit.EntryTarget(e) : VaultAudit.FolderTarget(FolderId);
}

public sealed record GrantView(Guid Id, Guid? FolderId, Guid? EntryId, string? Group, string? User, string Rights,
    DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, DateTimeOffset GrantedAt, string GrantedBy, bool Live);

/// <summary>
/// The rights dialog: who holds which rights on a folder, an entry or the vault root, and changing that. Needs Manage
/// there; on the root, administrators may act too (that is how a tenant's vault is opened, audited like everything else).
/// </summary>
public sealed class VaultGrants(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public async Task<Result<IReadOnlyList<GrantView>>> ListAsync(TenantId tenant, GrantTarget target, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var allowed = await AuthorizeAsync(db, tenant, target, caller, "vault.grant.list", now, ct);
        if (allowed is not null) return allowed;
        var rows = await (from g in db.VaultGrants.AsNoTracking()
                          join gr in db.Groups on g.GroupId equals gr.Id into groups
                          from gr in groups.DefaultIfEmpty()
                          join u in db.Users on g.UserId equals u.Id into users
                          from u in users.DefaultIfEmpty()
                          where g.TenantId == tenant && g.FolderId == target.FolderId && g.EntryId == target.EntryId
                          select new { g, Group = gr == null ? null : gr.Name, User = u == null ? null : u.UserName }).ToListAsync(ct);
        return rows.OrderBy(r => r.Group ?? r.User).Select(r => new GrantView(r.g.Id, r.g.FolderId, r.g.EntryId, r.Group, r.User, r.g.Rights.Describe(),
            r.g.NotBefore, r.g.NotAfter, r.g.GrantedAt, r.g.GrantedBy,
            (r.g.NotBefore == null || r.g.NotBefore <= now) && (r.g.NotAfter == null || r.g.NotAfter > now))).ToList();
    }

    public async Task<Result<Guid>> AddAsync(TenantId tenant, GrantTarget target, PermissionInput permission, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var denied = await AuthorizeAsync(db, tenant, target, caller, "vault.grant.add", now, ct);
        if (denied is not null) return denied;
        var grants = await VaultPermissions.ResolveAsync(db, tenant, target.FolderId, target.EntryId, [permission], caller, now, ct);
        if (!grants.Succeeded) return grants.Error!;
        var grant = grants.Value![0];
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultGrants.Add(grant);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.grant.add", tenant, target.Audit, AuditOutcome.Success,
            ("grant", grant.Id.ToString()), ("permission", VaultPermissions.Describe([permission]))), ct);
        return grant.Id;
    }

    public async Task<Result<bool>> RevokeAsync(TenantId tenant, Guid grantId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var grant = await db.VaultGrants.SingleOrDefaultAsync(g => g.Id == grantId && g.TenantId == tenant, ct);
        if (grant is null) return await VaultAudit.DenyAsync(audit, db, caller, "vault.grant.revoke", tenant, $"grant:{grantId}", VaultErrors.NotFound, ct);
        var target = new GrantTarget(grant.FolderId, grant.EntryId);
        var denied = await AuthorizeAsync(db, tenant, target, caller, "vault.grant.revoke", now, ct);
        if (denied is not null) return denied;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultGrants.Remove(grant);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.grant.revoke", tenant, target.Audit, AuditOutcome.Success,
            ("grant", grant.Id.ToString()), ("rights", grant.Rights.Describe()),
            ("holder", grant.GroupId is { } g ? $"group:{g}" : $"user:{grant.UserId}")), ct);
        return true;
    }

    /// <summary>Null when the caller may manage rights at the target; else the (recorded) refusal.</summary>
    private async Task<Error?> AuthorizeAsync(CustosDbContext db, TenantId tenant, GrantTarget target, VaultCaller caller, string action,
        DateTimeOffset now, CancellationToken ct)
    {
        var access = await VaultAccess.LoadAsync(db, caller.User, tenant, now, ct);
        VaultRights rights;
        Guid? folder = target.FolderId;
        if (target.EntryId is { } entryId)
        {
            var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
            rights = entry is null ? VaultRights.None : access.OnEntry(entry);
            folder = entry?.FolderId;
        }
        else if (target.FolderId is { } folderId)
        {
            rights = access.OnFolder(folderId);
        }
        else
        {
            var tenantExists = await db.Tenants.AnyAsync(t => t.Id == tenant && t.Id != TenantId.System, ct);
            rights = caller.IsAdministrator && tenantExists ? VaultRightsExtensions.All : access.OnRoot();
        }
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target.Audit, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Manage)) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target.Audit, VaultErrors.Forbidden, ct);
        if (folder is { } f && access.IsSensitive(f) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        return null;
    }
}
