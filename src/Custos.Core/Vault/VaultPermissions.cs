using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>Turns permission inputs (group or user names) into grant rows, or says what is wrong with them.</summary>
internal static class VaultPermissions
{
    public static async Task<Result<List<VaultGrant>>> ResolveAsync(CustosDbContext db, TenantId tenant, Guid? folderId, Guid? entryId,
        IReadOnlyList<PermissionInput> inputs, VaultCaller caller, DateTimeOffset now, CancellationToken ct)
    {
        var grants = new List<VaultGrant>();
        foreach (var p in inputs)
        {
            if ((p.Group is null) == (p.User is null)) return VaultErrors.Invalid("Each permission names exactly one group or one user.");
            var rights = p.Rights.Normalize();
            if (rights == VaultRights.None) return VaultErrors.Invalid("A permission must grant at least one right.");
            if (p.NotBefore is { } from && p.NotAfter is { } to && to <= from) return VaultErrors.Invalid("A permission must end after it starts.");
            var grant = new VaultGrant
            {
                Id = Guid.CreateVersion7(), TenantId = tenant, FolderId = folderId, EntryId = entryId, Rights = rights,
                NotBefore = p.NotBefore?.ToStoredPrecision(), NotAfter = p.NotAfter?.ToStoredPrecision(), GrantedAt = now, GrantedBy = caller.Actor.Name,
            };
            if (p.Group is { } groupName)
            {
                var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Name == groupName.Trim(), ct);
                if (group is null) return VaultErrors.Invalid($"No group named '{groupName}'.");
                grant.GroupId = group.Id;
            }
            else
            {
                var name = p.User!.Trim().ToLowerInvariant();
                var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == name, ct);
                if (user is null) return VaultErrors.Invalid($"No user named '{p.User}'.");
                grant.UserId = user.Id;
            }
            grants.Add(grant);
        }
        return grants;
    }

    /// <summary>For the audit record: "group:Support=use,read; user:bob=read [from..until]".</summary>
    public static string Describe(IEnumerable<PermissionInput> inputs) =>
        string.Join("; ", inputs.Select(p => $"{(p.Group is not null ? "group:" + p.Group : "user:" + p.User)}={p.Rights.Normalize().Describe()}" +
            (p.NotBefore is null && p.NotAfter is null ? "" : $" [{p.NotBefore:O}..{p.NotAfter:O}]")));
}
