using System.Globalization;
using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity.SecondFactor;

public enum SecondFactorMethod
{
    Totp,
    RecoveryCode,
}

/// <summary>
/// The second step of a login: a session whose password was accepted becomes usable once it shows a TOTP code or an
/// unused recovery code. Every kind of wrong code gets the same answer; the audit log records which it was.
/// </summary>
public sealed class SecondFactorSignIn(
    IDbContextFactory<CustosDbContext> dbFactory, TotpSeedCipher seeds, TotpVerifier verifier, AuditLog audit, TimeProvider time)
{
    private const string Action = "auth.second-factor";

    public async Task<Result<SecondFactorMethod>> CompleteAsync(SessionPrincipal session, string? code, Actor actor, CancellationToken ct = default)
    {
        if (!session.SecondFactorPending) return SecondFactorErrors.NotPending;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId, ct);

        if (TotpVerifier.IsCodeShaped(code))
        {
            return await CompleteWithTotpAsync(db, session, user, code!, actor, ct);
        }
        if (RecoveryCodes.Normalize(code) is { } recovery)
        {
            return await CompleteWithRecoveryCodeAsync(db, session, recovery, actor, ct);
        }
        return await FailAsync(db, session, actor, "malformed", ct);
    }

    private async Task<Result<SecondFactorMethod>> CompleteWithTotpAsync(
        CustosDbContext db, SessionPrincipal session, User user, string code, Actor actor, CancellationToken ct)
    {
        if (user.TotpConfirmedAt is null || user.TotpSecret is not { } sealedSeed) return await FailAsync(db, session, actor, "no-totp", ct);
        var seed = await seeds.OpenAsync(user.Id, sealedSeed, ct);
        TotpMatch match;
        try
        {
            match = verifier.Verify(seed, code, user.TotpLastStep);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
        if (match.Outcome != TotpOutcome.Accepted) return await FailAsync(db, session, actor, TotpEnrolment.Reason(match.Outcome), ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Compare-and-set on the last step: of two requests with the same code (two tabs, two nodes) only one wins.
        var claimed = await db.Users
            .Where(u => u.Id == user.Id && u.TotpLastStep < match.Step && u.TotpSecret == sealedSeed)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpLastStep, match.Step), ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            return await FailAsync(db, session, actor, "replayed", ct);
        }
        return await FinishAsync(db, tx, session, actor, SecondFactorMethod.Totp, null, ct);
    }

    private async Task<Result<SecondFactorMethod>> CompleteWithRecoveryCodeAsync(
        CustosDbContext db, SessionPrincipal session, string normalizedCode, Actor actor, CancellationToken ct)
    {
        var hash = RecoveryCodes.HashOf(normalizedCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        // Marking it used is the check: a code that is unknown, someone else's or used already changes no row.
        var used = await db.RecoveryCodes
            .Where(c => c.UserId == session.UserId && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        if (used == 0)
        {
            await tx.RollbackAsync(ct);
            return await FailAsync(db, session, actor, "wrong-recovery-code", ct);
        }
        var left = await db.RecoveryCodes.CountAsync(c => c.UserId == session.UserId && c.UsedAt == null, ct);
        return await FinishAsync(db, tx, session, actor, SecondFactorMethod.RecoveryCode, left, ct);
    }

    private async Task<Result<SecondFactorMethod>> FinishAsync(CustosDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx,
        SessionPrincipal session, Actor actor, SecondFactorMethod method, int? recoveryCodesLeft, CancellationToken ct)
    {
        var cleared = await db.UserSessions
            .Where(s => s.Id == session.SessionId && s.RevokedAt == null && s.SecondFactorPending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SecondFactorPending, false), ct);
        if (cleared == 0)
        {
            // Logged out (or completed in another tab) meanwhile: the code stays unused.
            await tx.RollbackAsync(ct);
            return SecondFactorErrors.NotPending;
        }
        var details = new Dictionary<string, string?> { ["method"] = method == SecondFactorMethod.Totp ? "totp" : "recovery-code" };
        if (recoveryCodesLeft is { } left) details["recoveryCodesLeft"] = left.ToString(CultureInfo.InvariantCulture);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, Action, ClientAddress: actor.ClientAddress,
            Target: $"session:{session.SessionId}", Details: details), ct);
        return method;
    }

    private async Task<Result<SecondFactorMethod>> FailAsync(CustosDbContext db, SessionPrincipal session, Actor actor, string reason, CancellationToken ct)
    {
        await audit.RecordAsync(db, new AuditEntry(actor.Name, Action, AuditOutcome.Failure, ClientAddress: actor.ClientAddress,
            Target: $"session:{session.SessionId}", Details: new Dictionary<string, string?> { ["reason"] = reason }), ct);
        return SecondFactorErrors.CodeInvalid;
    }
}
