using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity.SecurityKeys;

/// <summary>What the account page shows of a key; never the credential or public key.</summary>
public sealed record SecurityKeyInfo(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

public sealed class ListSecurityKeys(IDbContextFactory<CustosDbContext> dbFactory)
{
    public async Task<IReadOnlyList<SecurityKeyInfo>> ListAsync(UserId userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SecurityKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.CreatedAt)
            .Select(k => new SecurityKeyInfo(k.Id, k.Name, k.CreatedAt, k.LastUsedAt)).ToListAsync(ct);
    }
}
