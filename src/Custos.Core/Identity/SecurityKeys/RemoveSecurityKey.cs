using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity.SecurityKeys;

/// <summary>Removes one of the user's own security keys; needs the password, and refuses an administrator's last second factor.</summary>
public sealed class RemoveSecurityKey(
    IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, PasswordProof proof)
{
    private const string Action = "auth.security-key.remove";

    public async Task<Result<bool>> RemoveAsync(UserId userId, Guid keyId, string? password, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        var key = await db.SecurityKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, ct);
        if (key is null) return SecurityKeyErrors.NotFound;
        if (!await proof.VerifyAsync(user, password, ct))
        {
            await audit.RecordAsync(db, Entry(actor, user, key, AuditOutcome.Failure, "wrong-password"), ct);
            return SecurityKeyErrors.PasswordWrong;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Counted inside the transaction, so two removals at once cannot both take the last factor.
        var isAdmin = await db.UserRoles.AnyAsync(r => r.UserId == userId && r.Role == Roles.Administrator, ct);
        var otherFactors = await db.SecurityKeys.CountAsync(k => k.UserId == userId && k.Id != keyId, ct)
            + await db.Users.CountAsync(u => u.Id == userId && u.TotpConfirmedAt != null, ct);
        if (isAdmin && otherFactors == 0)
        {
            await tx.RollbackAsync(ct);
            await audit.RecordAsync(db, Entry(actor, user, key, AuditOutcome.Denied, "last-second-factor"), ct);
            return SecurityKeyErrors.LastSecondFactor;
        }
        db.SecurityKeys.Remove(key);
        await audit.CommitAsync(db, tx, Entry(actor, user, key, AuditOutcome.Success, null), ct);
        return true;
    }

    private static AuditEntry Entry(Actor actor, User user, SecurityKey key, AuditOutcome outcome, string? reason)
    {
        var details = new Dictionary<string, string?> { ["name"] = key.Name };
        if (reason is not null) details["reason"] = reason;
        return new AuditEntry(actor.Name, Action, outcome, ClientAddress: actor.ClientAddress, Target: $"user:{user.UserName}", Details: details);
    }
}
