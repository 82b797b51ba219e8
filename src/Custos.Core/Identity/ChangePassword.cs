using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

/// <summary>
/// A user changes their own password: the current one is proven, the new one meets the policy and is none of the last
/// five, and every other session of the user ends (someone who knew the old password is logged out with it).
/// </summary>
public sealed class ChangePassword(
    IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, PasswordHasher hasher, IdentityOptions options, TimeProvider time)
{
    public const int HistoryLength = 5;
    public static readonly Error Reused = new("password.reused", "The new password must differ from your last five.");
    public static readonly Error DirectoryManaged = new("password.directory_managed", "Your password is managed by the company directory; change it there.");
    public static readonly Error Mismatch = new("password.mismatch", "The two new passwords differ.");

    public async Task<Result<bool>> ChangeAsync(SessionPrincipal principal, string current, string next, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleAsync(u => u.Id == principal.UserId, ct);
        if (user.DirectoryDn is not null) return DirectoryManaged;
        if (current.Length > options.PasswordPolicy.MaximumLength || hasher.Verify(current, user.PasswordHash) == PasswordCheck.Invalid)
        {
            await audit.RecordAsync(db, new AuditEntry(actor.Name, "user.password.change", AuditOutcome.Failure, Target: $"user:{user.UserName}",
                ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?> { ["reason"] = "wrong-current-password" }), ct);
            return SignIn.InvalidCredentials;
        }
        if (options.PasswordPolicy.Check(next, user.UserName, user.DisplayName) is { } weak) return weak;
        var history = await db.PasswordHistory.Where(h => h.UserId == user.Id).OrderByDescending(h => h.CreatedAt).ThenByDescending(h => h.Id).ToListAsync(ct);
        if (history.Take(HistoryLength).Select(h => h.PasswordHash).Append(user.PasswordHash).Any(h => hasher.Verify(next, h) != PasswordCheck.Invalid))
            return Reused;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        user.PasswordHash = hasher.Hash(next);
        db.PasswordHistory.Add(new PasswordHistoryEntry { Id = Guid.CreateVersion7(), UserId = user.Id, PasswordHash = user.PasswordHash, CreatedAt = now });
        db.PasswordHistory.RemoveRange(history.Skip(HistoryLength - 1));
        var ended = await db.UserSessions.Where(s => s.UserId == user.Id && s.Id != principal.SessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "user.password.change", Target: $"user:{user.UserName}",
            ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?> { ["otherSessionsEnded"] = ended.ToString() }), ct);
        return true;
    }
}
