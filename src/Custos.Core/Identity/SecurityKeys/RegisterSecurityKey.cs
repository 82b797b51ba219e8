using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity.SecurityKeys;

/// <summary>
/// Adds a security key (WebAuthn credential) to the signed-in user's account: <see cref="BeginAsync"/> returns the options
/// for navigator.credentials.create, <see cref="FinishAsync"/> verifies the browser's answer against them and stores the key.
/// </summary>
public sealed class RegisterSecurityKey(
    IDbContextFactory<CustosDbContext> dbFactory, SecurityKeyChallenges challenges, AuditLog audit, PasswordProof proof,
    TimeProvider time)
{
    private const string Action = "auth.security-key.register";
    public const int MaxNameLength = 100;

    public async Task<Result<string>> BeginAsync(SessionPrincipal session, RelyingParty rp, CancellationToken ct = default)
    {
        if (session.SecondFactorPending || session.IsToken) return SecurityKeyErrors.WrongState;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId, ct);
        var existing = await db.SecurityKeys.AsNoTracking().Where(k => k.UserId == user.Id)
            .Select(k => new { k.CredentialId, k.UserHandle }).ToListAsync(ct);
        // One random handle per user, reused for every key: it names the account to the authenticator without
        // revealing the user id or name.
        var handle = existing.Count > 0 ? existing[0].UserHandle : RandomNumberGenerator.GetBytes(32);
        var createOptions = rp.Verifier().RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = handle, Name = user.UserName, DisplayName = user.DisplayName },
            // The browser refuses a key that is registered already, instead of storing it twice.
            ExcludeCredentials = existing.Select(k => new PublicKeyCredentialDescriptor(k.CredentialId)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Discouraged,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            // Which model of key it is does not matter to us, and asking for more would reveal it to no purpose.
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = createOptions.ToJson();
        await challenges.PutAsync(session.SessionId, SecurityKeyCeremony.Register, json, ct);
        return json;
    }

    /// <summary>
    /// Verifies the new credential and stores it under <paramref name="name"/>. The password is asked again, because a key
    /// added to a taken-over session would otherwise give the taker the step-up for sensitive tenants as well.
    /// </summary>
    public async Task<Result<SecurityKeyInfo>> FinishAsync(SessionPrincipal session, RelyingParty rp, string? name, string? password,
        AuthenticatorAttestationRawResponse? response, Actor actor, CancellationToken ct = default)
    {
        if (session.SecondFactorPending || session.IsToken) return SecurityKeyErrors.WrongState;
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength) return SecurityKeyErrors.NameInvalid;
        var optionsJson = await challenges.TakeAsync(session.SessionId, SecurityKeyCeremony.Register, ct);
        if (optionsJson is null) return SecurityKeyErrors.ChallengeMissing;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId, ct);
        if (!await proof.VerifyAsync(user, password, ct))
        {
            await audit.RecordAsync(db, Entry(actor, user, AuditOutcome.Failure, ("reason", "wrong-password")), ct);
            return SecurityKeyErrors.PasswordWrong;
        }
        if (response is null) return await FailAsync(db, actor, user, "malformed", ct);

        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await rp.Verifier().MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = CredentialCreateOptions.FromJson(optionsJson),
                // Unique across all users: a credential id belongs to exactly one account.
                IsCredentialIdUniqueToUserCallback = async (p, c) => !await db.SecurityKeys.AnyAsync(k => k.CredentialId == p.CredentialId, c),
            }, ct);
        }
        catch (Fido2VerificationException e)
        {
            return await FailAsync(db, actor, user, e.Code.ToString(), ct);
        }

        var now = time.StoredNow();
        var key = new SecurityKey
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            CredentialId = credential.Id,
            PublicKey = credential.PublicKey,
            UserHandle = credential.User.Id,
            SignCount = credential.SignCount,
            Name = name,
            CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecurityKeys.Add(key);
        await audit.CommitAsync(db, tx, Entry(actor, user, AuditOutcome.Success, ("name", name)), ct);
        return new SecurityKeyInfo(key.Id, key.Name, key.CreatedAt, null);
    }

    private async Task<Result<SecurityKeyInfo>> FailAsync(CustosDbContext db, Actor actor, User user, string reason, CancellationToken ct)
    {
        await audit.RecordAsync(db, Entry(actor, user, AuditOutcome.Failure, ("reason", reason)), ct);
        return SecurityKeyErrors.Invalid;
    }

    private static AuditEntry Entry(Actor actor, User user, AuditOutcome outcome, params (string Key, string Value)[] details) =>
        new(actor.Name, Action, outcome, ClientAddress: actor.ClientAddress, Target: $"user:{user.UserName}",
            Details: details.ToDictionary(d => d.Key, d => (string?)d.Value));
}
