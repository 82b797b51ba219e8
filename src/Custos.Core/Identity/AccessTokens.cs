using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

public sealed record IssuedToken(Guid Id, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Personal access tokens for the command line and scripts: shown once, stored as SHA-256, scoped, expiring,
/// revocable. A token never carries more than its owner has: its roles are the owner's roles its scopes allow.
/// </summary>
public sealed class AccessTokens(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const string Prefix = "cst_";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    /// <summary>Scope → the role it lets a token use (null: a vault or documents scope, limited by the owner's rights there).</summary>
    public static readonly IReadOnlyDictionary<string, string?> Scopes = new Dictionary<string, string?>
    {
        ["audit:read"] = Roles.Auditor,
        ["admin"] = Roles.Administrator,
        [VaultRead] = null,
        [VaultWrite] = null,
        [DocumentsRead] = null,
        [DocumentsWrite] = null,
        [Shares] = null,
    };

    /// <summary>List, show and reveal what the owner may read.</summary>
    public const string VaultRead = "vault:read";
    /// <summary>Create, change, grant and import, as far as the owner's rights go.</summary>
    public const string VaultWrite = "vault:write";
    /// <summary>List and download the documents the owner may read.</summary>
    public const string DocumentsRead = "documents:read";
    /// <summary>Upload, check out and in, as far as the owner's document rights go.</summary>
    public const string DocumentsWrite = "documents:write";
    /// <summary>Create, list, revoke share links and read their logs, for documents the owner may read.</summary>
    public const string Shares = "shares";

    public static readonly Error ScopeUnknown = new("token.scope_unknown", "Unknown scope; known scopes are audit:read, admin, vault:read, vault:write, documents:read, documents:write and shares.");
    public static readonly Error LifetimeInvalid = new("token.lifetime_invalid", "A token lives between one hour and 365 days.");
    public static readonly Error NotFound = new("token.not_found", "No such token.");

    public async Task<Result<IssuedToken>> CreateAsync(UserId owner, string name, IReadOnlyCollection<string> scopes, TimeSpan lifetime, Actor actor,
        CancellationToken ct = default)
    {
        if (scopes.Count == 0 || scopes.Any(s => !Scopes.ContainsKey(s))) return ScopeUnknown;
        if (lifetime < TimeSpan.FromHours(1) || lifetime > MaxLifetime) return LifetimeInvalid;
        name = string.IsNullOrWhiteSpace(name) ? "token" : name.Trim()[..Math.Min(100, name.Trim().Length)];
        var token = Prefix + SecretToken.New();
        var now = time.StoredNow();
        var row = new AccessToken
        {
            Id = Guid.CreateVersion7(), UserId = owner, Name = name, TokenHash = SecretToken.HashOf(token),
            Scopes = string.Join(' ', scopes.Distinct().Order()), CreatedAt = now, ExpiresAt = now + lifetime,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AccessTokens.Add(row);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "token.create", Target: $"token:{row.Id}", ClientAddress: actor.ClientAddress,
            Details: new Dictionary<string, string?> { ["name"] = name, ["scopes"] = row.Scopes, ["expiresAt"] = row.ExpiresAt.ToString("O") }), ct);
        return new IssuedToken(row.Id, token, row.ExpiresAt);
    }

    /// <summary>What a token stands for, as read with its owner; kept per token hash while the rights stamp holds.</summary>
    private sealed record Known(Guid TokenId, UserId UserId, string UserName, string DisplayName, List<string> Roles, bool HasSecondFactor,
        string Scopes, DateTimeOffset ExpiresAt, bool Revoked, bool OwnerEnabled)
    {
        /// <summary>The token's scopes, parsed once for every request that hits this entry.</summary>
        public IReadOnlySet<string> ScopeSet { get; } = Scopes.Split(' ').ToHashSet();

        /// <summary>The owner's roles that the token's scopes let it use.</summary>
        public IReadOnlyList<string> UsableRoles { get; } =
            Roles.Where(Scopes.Split(' ').Select(s => AccessTokens.Scopes.GetValueOrDefault(s)).OfType<string>().ToHashSet().Contains).ToList();

        /// <summary>When the last use was written; shared by the requests that hit this entry.</summary>
        public DateTimeOffset? LastUsedAt { get; set; }
    }

    /// <summary>
    /// Tokens seen lately, by hash. Revoking a token, disabling its owner or changing their roles or second factors
    /// moves the rights stamp (database triggers), which empties this on every node before the next request.
    /// </summary>
    private readonly StampedCache<string, Known> known = new(20_000);

    /// <summary>The principal a bearer token stands for, or null when it is unknown, expired, revoked or its owner disabled.</summary>
    public async Task<SessionPrincipal?> ValidateAsync(string token, CancellationToken ct = default)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100) return null;
        var hash = SecretToken.HashOf(token);
        var key = Convert.ToBase64String(hash);
        var now = time.StoredNow();
        // No explicit open: a pooled context goes back to its pool with a connection it was told to open, and usually
        // the stamp is the only statement here.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stamp = await known.ReadStampAsync(db);
        if (!known.TryGet(stamp, key, out var row))
        {
            // One round trip: the token, its owner, the owner's roles and whether a second factor exists.
            var found = await (from t in db.AccessTokens
                               join u in db.Users on t.UserId equals u.Id
                               where t.TokenHash == hash
                               select new
                               {
                                   Token = t, User = u,
                                   Roles = db.UserRoles.Where(r => r.UserId == u.Id).Select(r => r.Role).ToList(),
                                   HasKey = db.SecurityKeys.Any(k => k.UserId == u.Id),
                               }).AsNoTracking().SingleOrDefaultAsync(ct);
            // Unknown tokens are not remembered: guessed strings must not fill (and so keep emptying) the cache.
            if (found is null) return null;
            row = new Known(found.Token.Id, found.User.Id, found.User.UserName, found.User.DisplayName, found.Roles,
                found.User.TotpConfirmedAt is not null || found.HasKey, found.Token.Scopes, found.Token.ExpiresAt, found.Token.RevokedAt is not null,
                found.User.IsEnabled) { LastUsedAt = found.Token.LastUsedAt };
            known.Set(stamp, key, row);
        }
        if (row.Revoked || row.ExpiresAt <= now || !row.OwnerEnabled) return null;
        if (row.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            row.LastUsedAt = now;
            await db.AccessTokens.Where(t => t.Id == row.TokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        return new SessionPrincipal(row.TokenId, row.UserId, row.UserName, row.DisplayName, row.UsableRoles)
        {
            HasSecondFactor = row.HasSecondFactor,
            IsToken = true,
            TokenScopes = row.ScopeSet,
            RightsStamp = stamp,
        };
    }

    public async Task<IReadOnlyList<AccessToken>> ListAsync(UserId owner, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AccessTokens.AsNoTracking().Where(t => t.UserId == owner).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Revokes one of the owner's tokens; another user's token id answers like a missing one.</summary>
    public async Task<Result<bool>> RevokeAsync(UserId owner, Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.AccessTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == owner, ct);
        if (row is null) return NotFound;
        if (row.RevokedAt is not null) return false;
        row.RevokedAt = time.StoredNow();
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "token.revoke", Target: $"token:{row.Id}", ClientAddress: actor.ClientAddress), ct);
        return true;
    }
}
