using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using QRCoder;

namespace Custos.Core.Identity.SecondFactor;

/// <summary>What the user needs to add the account to an authenticator app; shown once, right after <see cref="TotpEnrolment.BeginAsync"/>.</summary>
public sealed record TotpEnrolmentStart(string Secret, string OtpAuthUri, string QrCodeSvg);

public sealed record TotpStatus(bool Enabled, DateTimeOffset? EnabledAt, bool SetupStarted, int RecoveryCodesLeft, bool HasSecurityKey, bool IsAdministrator)
{
    /// <summary>TOM 6.4: an administrator keeps at least one second factor.</summary>
    public bool CanRemove => Enabled && (!IsAdministrator || HasSecurityKey);
}

/// <summary>
/// Adds an authenticator app (TOTP) to an account: <see cref="BeginAsync"/> stores a new sealed seed, which counts as a
/// second factor only once <see cref="ConfirmAsync"/> has seen a code from it; confirming also issues fresh recovery codes.
/// </summary>
/// <remarks>
/// Replacing a confirmed app needs the password and takes effect at once, because the user row holds one seed: the
/// factor never lapses in between, and the old recovery codes stay valid until the new app is confirmed.
/// </remarks>
public sealed class TotpEnrolment(
    IDbContextFactory<CustosDbContext> dbFactory, TotpSeedCipher seeds, TotpVerifier verifier, AuditLog audit,
    PasswordProof proof, TimeProvider time)
{
    public const string Issuer = "Custos";

    public async Task<TotpStatus> GetStatusAsync(UserId userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        var codesLeft = await db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, ct);
        var hasKey = await db.SecurityKeys.AnyAsync(k => k.UserId == userId, ct);
        var isAdmin = await db.UserRoles.AnyAsync(r => r.UserId == userId && r.Role == Roles.Administrator, ct);
        return new TotpStatus(user.TotpConfirmedAt is not null, user.TotpConfirmedAt,
            user.TotpSecret is not null && user.TotpConfirmedAt is null, codesLeft, hasKey, isAdmin);
    }

    /// <summary>
    /// Creates a new seed and stores it sealed. <paramref name="currentPassword"/> is needed only when an app is
    /// confirmed already, since replacing it would otherwise let anyone holding the session take the factor over.
    /// </summary>
    public async Task<Result<TotpEnrolmentStart>> BeginAsync(UserId userId, string? currentPassword, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleAsync(u => u.Id == userId, ct);
        var replacing = user.TotpConfirmedAt is not null;
        if (replacing && !await proof.VerifyAsync(user, currentPassword, ct))
        {
            await audit.RecordAsync(db, Entry(actor, user, "auth.totp.begin", AuditOutcome.Failure, ("reason", "wrong-password")), ct);
            return SecondFactorErrors.PasswordWrong;
        }

        var seed = TotpSeedCipher.NewSeed();
        try
        {
            // Sealed before the transaction opens: the keyring may need its own connection, which must not wait on ours.
            user.TotpSecret = await seeds.SealAsync(user.Id, seed, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // No code of the new seed has been accepted yet; the old seed's steps mean nothing for it.
            user.TotpLastStep = 0;
            await audit.CommitAsync(db, tx, Entry(actor, user, "auth.totp.begin", AuditOutcome.Success, ("replacing", replacing ? "true" : "false")), ct);
            var secret = Base32Encoding.ToString(seed);
            var uri = OtpAuthUri(user.UserName, secret);
            return new TotpEnrolmentStart(secret, uri, QrCodeSvg(uri));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Checks a code from the new app; on success the app counts as second factor and the returned recovery codes,
    /// which replace all earlier ones, are the only time they are ever shown.
    /// </summary>
    public async Task<Result<IReadOnlyList<string>>> ConfirmAsync(UserId userId, string? code, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        if (user.TotpSecret is not { } sealedSeed) return SecondFactorErrors.TotpNotStarted;

        var match = await VerifyAsync(user, code ?? "", ct);
        if (match.Outcome != TotpOutcome.Accepted)
        {
            await audit.RecordAsync(db, Entry(actor, user, "auth.totp.enrol", AuditOutcome.Failure, ("reason", Reason(match.Outcome))), ct);
            return SecondFactorErrors.CodeInvalid;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        // Claims the step only if no other request used it (or replaced the seed) meanwhile, on any node.
        var claimed = await db.Users
            .Where(u => u.Id == userId && u.TotpLastStep < match.Step && u.TotpSecret == sealedSeed)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpLastStep, match.Step).SetProperty(u => u.TotpConfirmedAt, now), ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            await audit.RecordAsync(db, Entry(actor, user, "auth.totp.enrol", AuditOutcome.Failure, ("reason", "replayed")), ct);
            return SecondFactorErrors.CodeInvalid;
        }
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        var codes = RecoveryCodes.New();
        foreach (var c in codes)
        {
            db.RecoveryCodes.Add(new RecoveryCode
            {
                Id = Guid.CreateVersion7(),
                UserId = userId,
                CodeHash = RecoveryCodes.HashOf(RecoveryCodes.Normalize(c)!),
                CreatedAt = now,
            });
        }
        await audit.CommitAsync(db, tx, Entry(actor, user, "auth.totp.enrol", AuditOutcome.Success,
            ("recoveryCodes", codes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("replaced", user.TotpConfirmedAt is not null ? "true" : "false")), ct);
        return Result<IReadOnlyList<string>>.Ok(codes);
    }

    /// <summary>Turns the app off and deletes the recovery codes; needs the password, and refuses an administrator's last factor.</summary>
    public async Task<Result<bool>> RemoveAsync(UserId userId, string? currentPassword, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleAsync(u => u.Id == userId, ct);
        if (user.TotpSecret is null) return SecondFactorErrors.TotpNotEnabled;
        if (!await proof.VerifyAsync(user, currentPassword, ct))
        {
            await audit.RecordAsync(db, Entry(actor, user, "auth.totp.remove", AuditOutcome.Failure, ("reason", "wrong-password")), ct);
            return SecondFactorErrors.PasswordWrong;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var isAdmin = await db.UserRoles.AnyAsync(r => r.UserId == userId && r.Role == Roles.Administrator, ct);
        var hasKey = await db.SecurityKeys.AnyAsync(k => k.UserId == userId, ct);
        if (user.TotpConfirmedAt is not null && isAdmin && !hasKey)
        {
            await tx.RollbackAsync(ct);
            await audit.RecordAsync(db, Entry(actor, user, "auth.totp.remove", AuditOutcome.Denied, ("reason", "last-second-factor")), ct);
            return SecondFactorErrors.LastSecondFactor;
        }
        var wasEnabled = user.TotpConfirmedAt is not null;
        user.TotpSecret = null;
        user.TotpConfirmedAt = null;
        user.TotpLastStep = 0;
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        await audit.CommitAsync(db, tx, Entry(actor, user, "auth.totp.remove", AuditOutcome.Success, ("wasEnabled", wasEnabled ? "true" : "false")), ct);
        return true;
    }

    public static string OtpAuthUri(string userName, string base32Secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(userName)}?secret={base32Secret}" +
        $"&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits={TotpVerifier.Digits}&period={TotpVerifier.StepSeconds}";

    private static string QrCodeSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        // A view box instead of fixed pixels, so the page decides the size.
        return svg.GetGraphic(4, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    private async Task<TotpMatch> VerifyAsync(User user, string code, CancellationToken ct)
    {
        var seed = await seeds.OpenAsync(user.Id, user.TotpSecret!, ct);
        try
        {
            return verifier.Verify(seed, code, user.TotpLastStep);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    internal static string Reason(TotpOutcome outcome) => outcome == TotpOutcome.Replayed ? "replayed" : "wrong-code";

    // Only outcomes and reasons go into the record; never a seed or a code.
    private static AuditEntry Entry(Actor actor, User user, string action, AuditOutcome outcome, params (string Key, string Value)[] details) =>
        new(actor.Name, action, outcome, ClientAddress: actor.ClientAddress, Target: $"user:{user.UserName}",
            Details: details.ToDictionary(d => d.Key, d => (string?)d.Value));
}
