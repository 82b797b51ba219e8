using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

public sealed record UserSummary(UserId Id, string UserName, string DisplayName, bool IsEnabled, bool FromDirectory,
    bool IsLocked, bool HasSecondFactor, IReadOnlyList<string> Roles);

/// <summary>What a leaver could reach, so that access can be reviewed and credentials rotated (TOM 6.1).</summary>
public sealed record OffboardingReport(string UserName, DateTimeOffset DisabledAt, int SessionsRevoked, int TokensRevoked,
    IReadOnlyList<string> Groups, IReadOnlyList<string> Roles, IReadOnlyList<ReachableScope> Reachable, IReadOnlyList<string> VaultFolders,
    IReadOnlyList<string> RevealedCredentials);

public sealed record ReachableScope(string Tenant, string? Project, string ThroughGroup);

/// <summary>
/// Users: create, list, disable (offboarding: every session and token revoked at once, memberships and roles removed,
/// the record kept), enable (from no rights), unlock, reset the second factor, grant and revoke roles. Each change is
/// audited in its own transaction.
/// </summary>
public sealed class UserAdministration(
    IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, PasswordHasher hasher, IdentityOptions options, TimeProvider time)
{
    public static readonly Error NotFound = new("user.not_found", "No such user.");
    public static readonly Error NameTaken = new("user.name_taken", "A user with this name exists already.");
    public static readonly Error RoleUnknown = new("role.unknown", "Unknown role; roles are admin and auditor.");
    public static readonly Error LastAdministrator = new("user.last_admin", "This is the last enabled administrator.");

    public async Task<Result<User>> CreateAsync(string userName, string? displayName, string password, Actor actor, CancellationToken ct = default)
    {
        var name = UserNames.Normalize(userName);
        if (name is null) return FirstAdministratorSetup.UserNameInvalid;
        if (options.PasswordPolicy.Check(password, name, displayName) is { } weak) return weak;
        var hash = hasher.Hash(password);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Users.AnyAsync(u => u.UserName == name, ct)) return NameTaken;
        var now = time.StoredNow();
        var user = new User
        {
            Id = UserId.New(), UserName = name, DisplayName = string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(),
            PasswordHash = hash, CreatedAt = now,
        };
        db.Users.Add(user);
        db.PasswordHistory.Add(new PasswordHistoryEntry { Id = Guid.CreateVersion7(), UserId = user.Id, PasswordHash = hash, CreatedAt = now });
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "user.create", Target: $"user:{name}", ClientAddress: actor.ClientAddress), ct);
        return user;
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await db.UserRoles.AsNoTracking().ToListAsync(ct);
        var keys = await db.SecurityKeys.AsNoTracking().Select(k => k.UserId).Distinct().ToListAsync(ct);
        return users.Select(u => new UserSummary(u.Id, u.UserName, u.DisplayName, u.IsEnabled, u.DirectoryDn is not null,
            u.LockedUntil > now, u.TotpConfirmedAt is not null || keys.Contains(u.Id),
            roles.Where(r => r.UserId == u.Id).Select(r => r.Role).Order().ToList())).ToList();
    }

    /// <summary>
    /// Offboarding: the next request of any of the user's sessions or tokens fails. The report is computed before the
    /// memberships go, so it shows what the person could reach.
    /// </summary>
    public async Task<Result<OffboardingReport>> DisableAsync(string userName, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await FindAsync(db, userName, ct);
        if (user is null) return NotFound;
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).ToListAsync(ct);
        if (roles.Any(r => r.Role == Roles.Administrator) && user.IsEnabled && !await OtherEnabledAdministratorAsync(db, user.Id, ct))
            return LastAdministrator;

        var now = time.StoredNow();
        var groups = await (from m in db.GroupMembers join g in db.Groups on m.GroupId equals g.Id where m.UserId == user.Id select g.Name).ToListAsync(ct);
        var reachable = await (from m in db.GroupMembers
                               join g in db.Groups on m.GroupId equals g.Id
                               join gr in db.TenantGrants on m.GroupId equals gr.GroupId
                               join t in db.Tenants on gr.TenantId equals t.Id
                               join p in db.Projects on gr.ProjectId equals p.Id into ps
                               from p in ps.DefaultIfEmpty()
                               where m.UserId == user.Id
                               orderby t.Name
                               select new ReachableScope(t.Name, p == null ? null : p.Name, g.Name)).ToListAsync(ct);
        var folders = await Vault.OffboardingCredentials.GrantedFoldersAsync(db, user.Id, ct);
        var revealed = await Vault.OffboardingCredentials.MarkRevealedForRotationAsync(db, user.Id, user.UserName, now, ct);
        var sessions = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        var tokens = await db.AccessTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        await db.GroupMembers.Where(m => m.UserId == user.Id).ExecuteDeleteAsync(ct);
        db.UserRoles.RemoveRange(roles);
        user.IsEnabled = false;
        user.DisabledAt = now;
        user.DisabledByAdministrator = true;
        var report = new OffboardingReport(user.UserName, now, sessions, tokens, groups, roles.Select(r => r.Role).ToList(), reachable,
            folders, revealed);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "user.disable", Target: $"user:{user.UserName}", ClientAddress: actor.ClientAddress,
            Details: new Dictionary<string, string?>
            {
                ["sessionsRevoked"] = sessions.ToString(), ["tokensRevoked"] = tokens.ToString(),
                ["groupsRemoved"] = string.Join(",", groups), ["rolesRemoved"] = string.Join(",", roles.Select(r => r.Role)),
                ["credentialsToRotate"] = revealed.Count.ToString(),
            }), ct);
        return report;
    }

    /// <summary>Re-enabling starts from no rights: memberships and roles were removed at offboarding.</summary>
    public Task<Result<bool>> EnableAsync(string userName, Actor actor, CancellationToken ct = default) =>
        ChangeAsync(userName, "user.enable", actor, (u, _) =>
        {
            u.IsEnabled = true;
            u.DisabledAt = null;
            u.DisabledByAdministrator = false;
            u.FailedLogins = 0;
            u.LockedUntil = null;
        }, ct);

    public Task<Result<bool>> UnlockAsync(string userName, Actor actor, CancellationToken ct = default) =>
        ChangeAsync(userName, "user.unlock", actor, (u, _) =>
        {
            u.FailedLogins = 0;
            u.Lockouts = 0;
            u.LockedUntil = null;
        }, ct);

    /// <summary>For a lost authenticator: removes TOTP, recovery codes and security keys; the user must enrol again.</summary>
    public Task<Result<bool>> ResetSecondFactorAsync(string userName, Actor actor, CancellationToken ct = default) =>
        ChangeAsync(userName, "user.second-factor.reset", actor, (u, db) =>
        {
            u.TotpSecret = null;
            u.TotpConfirmedAt = null;
            db.RecoveryCodes.RemoveRange(db.RecoveryCodes.Where(c => c.UserId == u.Id));
            db.SecurityKeys.RemoveRange(db.SecurityKeys.Where(k => k.UserId == u.Id));
        }, ct);

    /// <summary>Granting yourself a role is possible, and recorded like any other grant (separation of duties stays visible).</summary>
    public async Task<Result<bool>> GrantRoleAsync(string userName, string role, Actor actor, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) return RoleUnknown;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await FindAsync(db, userName, ct);
        if (user is null) return NotFound;
        if (await db.UserRoles.AnyAsync(r => r.UserId == user.Id && r.Role == role, ct)) return false;
        db.UserRoles.Add(new UserRole { UserId = user.Id, Role = role, GrantedAt = time.StoredNow(), GrantedBy = actor.Name });
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "role.grant", Target: $"user:{user.UserName}", ClientAddress: actor.ClientAddress,
            Details: new Dictionary<string, string?> { ["role"] = role, ["self"] = (actor.Name == $"user:{user.UserName}").ToString() }), ct);
        return true;
    }

    public async Task<Result<bool>> RevokeRoleAsync(string userName, string role, Actor actor, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) return RoleUnknown;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await FindAsync(db, userName, ct);
        if (user is null) return NotFound;
        var row = await db.UserRoles.SingleOrDefaultAsync(r => r.UserId == user.Id && r.Role == role, ct);
        if (row is null) return false;
        if (role == Roles.Administrator && !await OtherEnabledAdministratorAsync(db, user.Id, ct)) return LastAdministrator;
        db.UserRoles.Remove(row);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "role.revoke", Target: $"user:{user.UserName}", ClientAddress: actor.ClientAddress,
            Details: new Dictionary<string, string?> { ["role"] = role }), ct);
        return true;
    }

    private async Task<Result<bool>> ChangeAsync(string userName, string action, Actor actor, Action<User, CustosDbContext> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await FindAsync(db, userName, ct);
        if (user is null) return NotFound;
        change(user, db);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, action, Target: $"user:{user.UserName}", ClientAddress: actor.ClientAddress), ct);
        return true;
    }

    private static async Task<User?> FindAsync(CustosDbContext db, string userName, CancellationToken ct)
    {
        var name = UserNames.Normalize(userName);
        return name is null ? null : await db.Users.SingleOrDefaultAsync(u => u.UserName == name, ct);
    }

    private static Task<bool> OtherEnabledAdministratorAsync(CustosDbContext db, UserId except, CancellationToken ct) =>
        (from r in db.UserRoles join u in db.Users on r.UserId equals u.Id
         where r.Role == Roles.Administrator && u.IsEnabled && u.Id != except select r).AnyAsync(ct);
}
