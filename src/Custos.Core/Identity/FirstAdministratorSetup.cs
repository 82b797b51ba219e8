using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

public sealed record CompleteSetupRequest(string Token, string UserName, string DisplayName, string Password, bool GrantAuditor);

/// <summary>
/// The one-time link that lets the first administrator in. Issued at start while no administrator exists; each new
/// link voids the older ones; a used or expired link is refused and the refusal audited.
/// </summary>
public sealed class FirstAdministratorSetup(
    IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, PasswordHasher hasher, IdentityOptions options, TimeProvider time)
{
    public static readonly Error LinkInvalid = new("setup.link_invalid", "This setup link is invalid, expired or already used.");
    public static readonly Error AlreadyDone = new("setup.already_done", "An administrator exists already; setup is closed.");
    public static readonly Error UserNameInvalid = new("user.name_invalid", "The user name must be 2 to 100 letters, digits, dots, dashes or underscores.");

    public async Task<bool> IsNeededAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.UserRoles.AnyAsync(r => r.Role == Roles.Administrator, ct);
    }

    /// <summary>Returns a new setup token, or null when an administrator exists already.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)?> IssueLinkAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.UserRoles.AnyAsync(r => r.Role == Roles.Administrator, ct)) return null;
        var now = time.StoredNow();
        await db.SetupTokens.Where(t => t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, now), ct);
        var token = SecretToken.New();
        var expires = now + options.SetupLinkLifetime;
        db.SetupTokens.Add(new SetupToken { Id = Guid.CreateVersion7(), TokenHash = SecretToken.HashOf(token), CreatedAt = now, ExpiresAt = expires });
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "setup.link.issue", ClientAddress: actor.ClientAddress,
            Details: new Dictionary<string, string?> { ["expiresAt"] = expires.ToString("O") }), ct);
        return (token, expires);
    }

    /// <summary>Checks a link without using it, so the form is only shown for a valid one.</summary>
    public async Task<bool> IsLinkValidAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = SecretToken.HashOf(token);
        var now = time.StoredNow();
        return await db.SetupTokens.AnyAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, ct)
               && !await db.UserRoles.AnyAsync(r => r.Role == Roles.Administrator, ct);
    }

    public async Task<Result<User>> CompleteAsync(CompleteSetupRequest request, Actor actor, CancellationToken ct = default)
    {
        var userName = UserNames.Normalize(request.UserName);
        if (userName is null) return UserNameInvalid;
        if (options.PasswordPolicy.Check(request.Password, userName, request.DisplayName) is { } weak) return weak;
        var passwordHash = hasher.Hash(request.Password);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        var hash = SecretToken.HashOf(request.Token);
        var token = await db.SetupTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        var adminExists = await db.UserRoles.AnyAsync(r => r.Role == Roles.Administrator, ct);
        var reason = token is null ? "unknown" : token.UsedAt is not null ? "used" : token.ExpiresAt <= now ? "expired" : adminExists ? "setup-closed" : null;
        if (reason is not null)
        {
            await tx.RollbackAsync(ct);
            await audit.RecordAsync(db, new AuditEntry(actor.Name, "setup.refuse", AuditOutcome.Denied, ClientAddress: actor.ClientAddress,
                Details: new Dictionary<string, string?> { ["reason"] = reason }), ct);
            return adminExists ? AlreadyDone : LinkInvalid;
        }

        var user = new User
        {
            Id = UserId.New(),
            UserName = userName,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? userName : request.DisplayName.Trim(),
            PasswordHash = passwordHash,
            CreatedAt = now,
        };
        db.Users.Add(user);
        token!.UsedAt = now;
        var granted = request.GrantAuditor ? new[] { Roles.Administrator, Roles.Auditor } : [Roles.Administrator];
        var entries = new List<AuditEntry>
        {
            new(actor.Name, "setup.complete", ClientAddress: actor.ClientAddress, Target: $"user:{user.UserName}"),
        };
        foreach (var role in granted)
        {
            db.UserRoles.Add(new UserRole { UserId = user.Id, Role = role, GrantedAt = now, GrantedBy = "setup" });
            entries.Add(new AuditEntry(actor.Name, "role.grant", ClientAddress: actor.ClientAddress, Target: $"user:{user.UserName}",
                Details: new Dictionary<string, string?> { ["role"] = role }));
        }
        await audit.CommitAsync(db, tx, entries, ct);
        return user;
    }
}

public static class UserNames
{
    /// <summary>Lower-cased, trimmed login name, or null when it has characters a login name should not.</summary>
    public static string? Normalize(string? name)
    {
        var n = name?.Trim().ToLowerInvariant();
        if (n is null || n.Length is < 2 or > 100) return null;
        return n.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@') ? n : null;
    }
}
