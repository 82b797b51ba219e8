using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>In-app notices about documents, shown with the vault's on the start page (one table of notices per user).</summary>
internal static class DocumentNotices
{
    public const string LockBroken = "document-lock-broken";

    /// <summary>Adds the notice to the caller's transaction, once (the same unread notice is not repeated).</summary>
    public static async Task AddAsync(CustosDbContext db, UserId user, TenantId tenant, string kind, string text, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.VaultNotifications.AnyAsync(n => n.UserId == user && n.EntryId == null && n.Kind == kind && n.Text == text, ct)) return;
        db.VaultNotifications.Add(new VaultNotification
        {
            Id = Guid.CreateVersion7(), UserId = user, TenantId = tenant, EntryId = null, Kind = kind, Text = text, CreatedAt = now,
        });
    }
}
