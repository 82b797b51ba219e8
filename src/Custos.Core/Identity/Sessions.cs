using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

/// <summary>Who a valid session belongs to, with the roles read fresh for every request.</summary>
public sealed record SessionPrincipal(Guid SessionId, UserId UserId, string UserName, string DisplayName, IReadOnlyList<string> Roles)
{
    /// <summary>Password accepted, second factor still owed.</summary>
    public bool SecondFactorPending { get; init; }
    /// <summary>Idle longer than allowed: the next request must re-authenticate before anything else (TOM 6.8).</summary>
    public bool IdleLocked { get; init; }
    /// <summary>The user has a confirmed TOTP authenticator or a security key.</summary>
    public bool HasSecondFactor { get; init; }
    public DateTimeOffset? SteppedUpAt { get; init; }
    /// <summary>Authenticated by a personal access token rather than a browser session.</summary>
    public bool IsToken { get; init; }
    /// <summary>A token's scopes; null for a browser session, which may do whatever its user may.</summary>
    public IReadOnlySet<string>? TokenScopes { get; init; }
    /// <summary>
    /// The <see cref="Data.RightsStamp"/> read when this request was authenticated (tokens), so the vault's access cache
    /// need not read it again: the request's rights are those of that moment.
    /// </summary>
    public long? RightsStamp { get; init; }

    /// <summary>A browser session always; a token only with the scope.</summary>
    public bool HasScope(string scope) => TokenScopes is null || TokenScopes.Contains(scope);

    public string ActorName => $"user:{UserName}";
    public bool IsInRole(string role) => Roles.Contains(role);
}

/// <summary>Server-side sessions: checked on every request, so revoking or disabling takes effect at the next one.</summary>
public sealed class Sessions(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, IdentityOptions options, TimeProvider time)
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<SessionPrincipal?> ValidateAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = SecretToken.HashOf(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        // One round trip for every request: the session, its user, the roles and whether a second factor exists.
        var row = await (from s in db.UserSessions.AsNoTracking()
                         join u in db.Users on s.UserId equals u.Id
                         where s.TokenHash == hash
                         select new
                         {
                             Session = s, User = u,
                             Roles = db.UserRoles.Where(r => r.UserId == u.Id).Select(r => r.Role).ToList(),
                             HasKey = db.SecurityKeys.Any(k => k.UserId == u.Id),
                         }).SingleOrDefaultAsync(ct);
        if (row is null || row.Session.RevokedAt is not null || !row.User.IsEnabled) return null;
        if (row.Session.ExpiresAt <= now) return null;
        var idleLocked = row.Session.LastSeenAt + options.SessionIdleTimeout <= now;
        if (!idleLocked && now - row.Session.LastSeenAt >= TouchInterval)
        {
            // Sliding idle window; written at most once a minute per session to keep reads cheap.
            await db.UserSessions.Where(s => s.Id == row.Session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
        }
        var hasSecondFactor = row.User.TotpConfirmedAt is not null || row.HasKey;
        return new SessionPrincipal(row.Session.Id, row.User.Id, row.User.UserName, row.User.DisplayName, row.Roles)
        {
            SecondFactorPending = row.Session.SecondFactorPending,
            IdleLocked = idleLocked,
            HasSecondFactor = hasSecondFactor,
            SteppedUpAt = row.Session.SteppedUpAt,
        };
    }

    /// <summary>Re-opens an idle-locked session after the user proved it is still them (password again).</summary>
    public async Task<bool> UnlockAsync(SessionPrincipal principal, string password, Actor actor, PasswordProof proof,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == principal.UserId, ct);
        var ok = await proof.VerifyAsync(user, password, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (ok)
        {
            var now = time.StoredNow();
            await db.UserSessions.Where(s => s.Id == principal.SessionId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
        }
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "auth.unlock", ok ? AuditOutcome.Success : AuditOutcome.Failure,
            ClientAddress: actor.ClientAddress, Target: $"session:{principal.SessionId}"), ct);
        return ok;
    }

    /// <summary>The user's sessions that are still valid (the "my sessions" page).</summary>
    public async Task<IReadOnlyList<UserSession>> ListActiveAsync(UserId user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        return await db.UserSessions.AsNoTracking().Where(s => s.UserId == user && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastSeenAt).ToListAsync(ct);
    }

    /// <summary>Ends one of the user's own sessions; another user's session id changes nothing.</summary>
    public async Task<bool> RevokeOwnAsync(UserId user, Guid sessionId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.UserSessions.Where(s => s.Id == sessionId && s.UserId == user && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, time.StoredNow()), ct);
        if (changed == 0) return false;
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "session.revoke", ClientAddress: actor.ClientAddress, Target: $"session:{sessionId}"), ct);
        return true;
    }

    public async Task RevokeAsync(SessionPrincipal principal, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        await db.UserSessions.Where(s => s.Id == principal.SessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "auth.logout", ClientAddress: actor.ClientAddress,
            Target: $"session:{principal.SessionId}"), ct);
    }
}
