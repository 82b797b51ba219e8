using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

public sealed record SignedIn(string SessionToken, SessionPrincipal Principal, DateTimeOffset ExpiresAt);

/// <summary>Password login. An unknown user and a wrong password give the same error after the same work.</summary>
public sealed class SignIn(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, PasswordHasher hasher, IdentityOptions options, TimeProvider time)
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
        var check = hasher.Verify(password, user.PasswordHash);
        if (check == PasswordCheck.Invalid || !user.IsEnabled)
        {
            await RecordFailureAsync(db, user.UserName, client, user.IsEnabled ? "wrong-password" : "disabled", ct);
            return InvalidCredentials;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (check == PasswordCheck.ValidNeedsRehash) user.PasswordHash = hasher.Hash(password);
        var now = time.StoredNow();
        var token = SecretToken.New();
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(),
            TokenHash = SecretToken.HashOf(token),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + options.SessionLifetime,
            ClientAddress = client.ClientAddress,
        };
        db.UserSessions.Add(session);
        await audit.CommitAsync(db, tx, new AuditEntry($"user:{user.UserName}", "auth.login", ClientAddress: client.ClientAddress,
            Target: $"session:{session.Id}"), ct);
        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == user.Id).Select(r => r.Role).ToListAsync(ct);
        return new SignedIn(token, new SessionPrincipal(session.Id, user.Id, user.UserName, user.DisplayName, roles), session.ExpiresAt);
    }

    private Task RecordFailureAsync(CustosDbContext db, string userName, Actor client, string reason, CancellationToken ct) =>
        audit.RecordAsync(db, new AuditEntry($"user:{userName}", "auth.login", AuditOutcome.Failure, ClientAddress: client.ClientAddress,
            Details: new Dictionary<string, string?> { ["reason"] = reason }), ct);
}
