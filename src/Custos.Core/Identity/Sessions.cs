using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

/// <summary>Who a valid session belongs to, with the roles read fresh for every request.</summary>
public sealed record SessionPrincipal(Guid SessionId, UserId UserId, string UserName, string DisplayName, IReadOnlyList<string> Roles)
{
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
        var row = await (from s in db.UserSessions
                         join u in db.Users on s.UserId equals u.Id
                         where s.TokenHash == hash
                         select new { Session = s, User = u }).SingleOrDefaultAsync(ct);
        if (row is null || row.Session.RevokedAt is not null || !row.User.IsEnabled) return null;
        if (row.Session.ExpiresAt <= now || row.Session.LastSeenAt + options.SessionIdleTimeout <= now) return null;
        if (now - row.Session.LastSeenAt >= TouchInterval)
        {
            // Sliding idle window; written at most once a minute per session to keep reads cheap.
            await db.UserSessions.Where(s => s.Id == row.Session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
        }
        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == row.User.Id).Select(r => r.Role).ToListAsync(ct);
        return new SessionPrincipal(row.Session.Id, row.User.Id, row.User.UserName, row.User.DisplayName, roles);
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
