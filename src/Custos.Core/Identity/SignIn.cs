using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

public sealed record SignedIn(string SessionToken, SessionPrincipal Principal, DateTimeOffset ExpiresAt);

/// <summary>Password login. An unknown user and a wrong password give the same error after the same work.</summary>
public sealed class SignIn(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, PasswordHasher hasher, IdentityOptions options, TimeProvider time,
    Ldap.DirectoryAuthenticator directory)
{
    public static readonly Error InvalidCredentials = new("auth.invalid_credentials", "User name or password is wrong.");

    public async Task<Result<SignedIn>> SignInAsync(string userName, string password, Actor client, CancellationToken ct = default)
    {
        var name = UserNames.Normalize(userName);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = name is null ? null : await db.Users.SingleOrDefaultAsync(u => u.UserName == name, ct);
        if (user is null || password.Length > options.PasswordPolicy.MaximumLength)
        {
            hasher.SpendEquivalentWork(password.Length > options.PasswordPolicy.MaximumLength ? "" : password);
            await RecordFailureAsync(db, name ?? "(invalid)", client, "unknown-user", ct);
            return InvalidCredentials;
        }
        var now = time.StoredNow();
        if (Lockout.IsLocked(user, now))
        {
            // Same answer and work as a wrong password: the lock itself is no oracle for guessing.
            hasher.SpendEquivalentWork(password);
            await RecordFailureAsync(db, user.UserName, client, "locked", ct);
            return InvalidCredentials;
        }
        PasswordCheck check;
        if (user.DirectoryDn is null) check = hasher.Verify(password, user.PasswordHash);
        else
        {
            // Directory users prove their password to the directory itself, so one disabled or removed there cannot log in
            // before the next sync; their stored hash is unusable by design.
            var bind = user.IsEnabled ? await directory.BindAsync(user.DirectoryDn, password, ct) : Ldap.DirectoryBindResult.Rejected;
            if (bind == Ldap.DirectoryBindResult.Unavailable)
            {
                await RecordFailureAsync(db, user.UserName, client, "directory-unreachable", ct);
                return Ldap.DirectoryAuthenticator.Unavailable;
            }
            check = bind == Ldap.DirectoryBindResult.Accepted ? PasswordCheck.Valid : PasswordCheck.Invalid;
        }
        if (check == PasswordCheck.Invalid || !user.IsEnabled)
        {
            // The tracked user row (failure count, lock) is saved in the transaction of the failure's audit event.
            var locked = user.IsEnabled && Lockout.RegisterFailure(user, now, options);
            await using var failure = await db.Database.BeginTransactionAsync(ct);
            List<AuditEntry> entries = [Failure(user.UserName, client, user.IsEnabled ? "wrong-password" : "disabled")];
            if (locked)
                entries.Add(new AuditEntry($"user:{user.UserName}", "auth.lockout", AuditOutcome.Denied, ClientAddress: client.ClientAddress,
                    Details: new Dictionary<string, string?> { ["until"] = user.LockedUntil?.ToString("O"), ["lockouts"] = user.Lockouts.ToString() }));
            await audit.CommitAsync(db, failure, entries, ct);
            return InvalidCredentials;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (check == PasswordCheck.ValidNeedsRehash) user.PasswordHash = hasher.Hash(password);
        Lockout.RegisterSuccess(user);
        var token = SecretToken.New();
        var secondFactor = user.TotpConfirmedAt is not null || await db.SecurityKeys.AnyAsync(k => k.UserId == user.Id, ct);
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(),
            TokenHash = SecretToken.HashOf(token),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + options.SessionLifetime,
            ClientAddress = client.ClientAddress,
            SecondFactorPending = secondFactor,
        };
        db.UserSessions.Add(session);
        await audit.CommitAsync(db, tx, new AuditEntry($"user:{user.UserName}", "auth.login", ClientAddress: client.ClientAddress,
            Target: $"session:{session.Id}", Details: new Dictionary<string, string?> { ["secondFactor"] = secondFactor ? "pending" : "none" }), ct);
        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == user.Id).Select(r => r.Role).ToListAsync(ct);
        return new SignedIn(token, new SessionPrincipal(session.Id, user.Id, user.UserName, user.DisplayName, roles)
        {
            SecondFactorPending = secondFactor,
            HasSecondFactor = secondFactor,
        }, session.ExpiresAt);
    }

    private Task RecordFailureAsync(CustosDbContext db, string userName, Actor client, string reason, CancellationToken ct) =>
        audit.RecordAsync(db, Failure(userName, client, reason), ct);

    private static AuditEntry Failure(string userName, Actor client, string reason) =>
        new($"user:{userName}", "auth.login", AuditOutcome.Failure, ClientAddress: client.ClientAddress,
            Details: new Dictionary<string, string?> { ["reason"] = reason });
}
