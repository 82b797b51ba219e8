using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>
/// The vault's part of offboarding (TOM 6.9): every credential the person revealed since it last changed is marked
/// "rotate" and listed in the report, and the folders they could reach are named. Runs inside the disabling transaction.
/// </summary>
internal static class OffboardingCredentials
{
    public static async Task<IReadOnlyList<string>> MarkRevealedForRotationAsync(CustosDbContext db, UserId user, string userName,
        DateTimeOffset now, CancellationToken ct)
    {
        var revealed = await (from r in db.VaultReveals
                              join e in db.VaultEntries on r.EntryId equals e.Id
                              join t in db.Tenants on e.TenantId equals t.Id
                              where r.UserId == user && r.At >= e.PasswordChangedAt && r.Field != "totp-code"
                              select new { e, TenantName = t.Name }).ToListAsync(ct);
        var entries = revealed.DistinctBy(x => x.e.Id).ToList();
        foreach (var x in entries.Where(x => x.e.RotationReason is null))
            x.e.RotationReason = $"revealed by {userName}, offboarded {now:yyyy-MM-dd}";
        return entries.OrderBy(x => x.TenantName).ThenBy(x => x.e.Title).Select(x => $"{x.TenantName} / {x.e.Title} ({x.e.Id})").ToList();
    }

    /// <summary>Folders granted to the user or one of their groups, as "tenant / folder" lines.</summary>
    public static async Task<IReadOnlyList<string>> GrantedFoldersAsync(CustosDbContext db, UserId user, CancellationToken ct)
    {
        var groups = await db.GroupMembers.Where(m => m.UserId == user).Select(m => m.GroupId).ToListAsync(ct);
        var folders = await (from g in db.VaultGrants
                             join f in db.VaultFolders on g.FolderId equals f.Id
                             join t in db.Tenants on g.TenantId equals t.Id
                             where (g.UserId != null && g.UserId == user) || (g.GroupId != null && groups.Contains(g.GroupId.Value))
                             select new { Tenant = t.Name, Folder = f.Name, g.Rights }).ToListAsync(ct);
        return folders.OrderBy(f => f.Tenant).ThenBy(f => f.Folder).Select(f => $"{f.Tenant} / {f.Folder}: {f.Rights.Describe()}").Distinct().ToList();
    }
}
