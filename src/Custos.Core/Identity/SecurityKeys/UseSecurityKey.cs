using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity.SecurityKeys;

/// <summary>
/// Proves possession of a registered security key (a WebAuthn assertion). At login it completes the second factor
/// (<see cref="SecurityKeyCeremony.Login"/>); in a full session it is the step-up that sensitive tenants demand
/// (<see cref="SecurityKeyCeremony.StepUp"/>). Either way the session's step-up time is set, since both are the same proof.
/// </summary>
public sealed class UseSecurityKey(
    IDbContextFactory<CustosDbContext> dbFactory, SecurityKeyChallenges challenges, AuditLog audit, TimeProvider time)
{
    private const string Action = "auth.security-key.use";

    public async Task<Result<string>> BeginAsync(SessionPrincipal session, RelyingParty rp, SecurityKeyCeremony ceremony, CancellationToken ct = default)
    {
        if (!InRightState(session, ceremony)) return SecurityKeyErrors.WrongState;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.SecurityKeys.AsNoTracking().Where(k => k.UserId == session.UserId).Select(k => k.CredentialId).ToListAsync(ct);
        if (keys.Count == 0) return SecurityKeyErrors.NoKeys;
        var assertionOptions = rp.Verifier().GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = keys.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            UserVerification = UserVerificationRequirement.Preferred,
        });
        var json = assertionOptions.ToJson();
        await challenges.PutAsync(session.SessionId, ceremony, json, ct);
        return json;
    }

    public async Task<Result<SecurityKeyInfo>> FinishAsync(SessionPrincipal session, RelyingParty rp, SecurityKeyCeremony ceremony,
        AuthenticatorAssertionRawResponse? response, Actor actor, CancellationToken ct = default)
    {
        if (!InRightState(session, ceremony)) return SecurityKeyErrors.WrongState;
        var optionsJson = await challenges.TakeAsync(session.SessionId, ceremony, ct);
        if (optionsJson is null) return SecurityKeyErrors.ChallengeMissing;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (response?.RawId is not { Length: > 0 } credentialId) return await FailAsync(db, session, ceremony, actor, null, "malformed", ct);
        // Scoped by owner: another user's key is as unknown as a key that does not exist.
        var key = await db.SecurityKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == session.UserId && k.CredentialId == credentialId, ct);
        if (key is null) return await FailAsync(db, session, ceremony, actor, null, "unknown-key", ct);

        VerifyAssertionResult verified;
        try
        {
            verified = await rp.Verifier().MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = AssertionOptions.FromJson(optionsJson),
                StoredPublicKey = key.PublicKey,
                StoredSignatureCounter = (uint)key.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (p, _) => Task.FromResult(
                    p.CredentialId.AsSpan().SequenceEqual(key.CredentialId) && p.UserHandle.AsSpan().SequenceEqual(key.UserHandle)),
            }, ct);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2NetLib.Exceptions.Fido2ErrorCode.InvalidSignCount)
        {
            return await FailAsync(db, session, ceremony, actor, key, "counter-regressed", ct, AuditOutcome.Denied);
        }
        catch (Fido2VerificationException e)
        {
            return await FailAsync(db, session, ceremony, actor, key, e.Code.ToString(), ct);
        }
        // A counter that does not move forward means a cloned key (or a replay); keys without a counter always send 0.
        if ((verified.SignCount != 0 || key.SignCount != 0) && verified.SignCount <= key.SignCount)
            return await FailAsync(db, session, ceremony, actor, key, "counter-regressed", ct, AuditOutcome.Denied);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        // Compare-and-set on the counter: of two answers with the same count (two nodes, a replay) only one wins.
        var claimed = await db.SecurityKeys.Where(k => k.Id == key.Id && k.SignCount == key.SignCount)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.SignCount, (long)verified.SignCount).SetProperty(k => k.LastUsedAt, now), ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            return await FailAsync(db, session, ceremony, actor, key, "counter-regressed", ct, AuditOutcome.Denied);
        }
        var sessions = db.UserSessions.Where(s => s.Id == session.SessionId && s.RevokedAt == null);
        var changed = ceremony == SecurityKeyCeremony.Login
            ? await sessions.Where(s => s.SecondFactorPending)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.SecondFactorPending, false).SetProperty(x => x.SteppedUpAt, now), ct)
            : await sessions.Where(s => !s.SecondFactorPending).ExecuteUpdateAsync(s => s.SetProperty(x => x.SteppedUpAt, now), ct);
        if (changed == 0)
        {
            // Logged out or completed in another tab meanwhile.
            await tx.RollbackAsync(ct);
            return SecurityKeyErrors.WrongState;
        }
        await audit.CommitAsync(db, tx, Entry(actor, session, ceremony, AuditOutcome.Success, key, null), ct);
        return new SecurityKeyInfo(key.Id, key.Name, key.CreatedAt, now);
    }

    private static bool InRightState(SessionPrincipal session, SecurityKeyCeremony ceremony) => !session.IsToken && ceremony switch
    {
        SecurityKeyCeremony.Login => session.SecondFactorPending,
        SecurityKeyCeremony.StepUp => !session.SecondFactorPending && !session.IdleLocked,
        _ => false,
    };

    private async Task<Result<SecurityKeyInfo>> FailAsync(CustosDbContext db, SessionPrincipal session, SecurityKeyCeremony ceremony, Actor actor,
        SecurityKey? key, string reason, CancellationToken ct, AuditOutcome outcome = AuditOutcome.Failure)
    {
        await audit.RecordAsync(db, Entry(actor, session, ceremony, outcome, key, reason), ct);
        return SecurityKeyErrors.Invalid;
    }

    private static AuditEntry Entry(Actor actor, SessionPrincipal session, SecurityKeyCeremony ceremony, AuditOutcome outcome, SecurityKey? key, string? reason)
    {
        var details = new Dictionary<string, string?> { ["purpose"] = ceremony == SecurityKeyCeremony.Login ? "login" : "step-up" };
        if (key is not null) details["name"] = key.Name;
        if (reason is not null) details["reason"] = reason;
        return new AuditEntry(actor.Name, Action, outcome, ClientAddress: actor.ClientAddress, Target: $"session:{session.SessionId}", Details: details);
    }
}
