using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Ldap;

/// <summary>The counts of one sync, as printed by the command line and kept in <see cref="DirectorySettings.LastSyncResult"/>.</summary>
public sealed record DirectorySyncSummary(
    DateTimeOffset At, int DirectoryUsers, int Created, int Updated, int Enabled, int Disabled, int MembershipsAdded,
    int MembershipsRemoved, int GroupsCreated, IReadOnlyList<string> Skipped, IReadOnlyList<string> Conflicts)
{
    public override string ToString() =>
        $"{DirectoryUsers} directory users: {Created} created, {Updated} updated, {Enabled} re-enabled, {Disabled} disabled; " +
        $"memberships +{MembershipsAdded} -{MembershipsRemoved}; {GroupsCreated} groups created; " +
        $"{Skipped.Count} skipped, {Conflicts.Count} conflicts";
}

/// <summary>
/// Mirrors the directory into Custos (TOM 6.3): users the filter returns exist and are enabled, users it no longer
/// returns are disabled with their sessions revoked and their rights removed, and the members of mapped groups are
/// exactly the directory's. Local users and unmapped groups are never touched. Everything happens in one transaction
/// with its audit events, so a failed sync changes nothing.
/// </summary>
public sealed class DirectorySync(IDbContextFactory<CustosDbContext> dbFactory, DirectoryConfiguration configuration, AuditLog audit, TimeProvider time)
{
    public const string AddedBy = "directory";

    public async Task<Result<DirectorySyncSummary>> SyncAsync(Actor actor, CancellationToken ct = default)
    {
        DirectorySettings? settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            settings = await db.DirectorySettings.AsNoTracking().SingleOrDefaultAsync(d => d.Id == DirectorySettings.SingletonId, ct);
        if (settings is not { Enabled: true }) return DirectoryErrors.NotConfigured;

        DirectoryUserList list;
        try
        {
            var password = await configuration.UnsealBindPasswordAsync(settings, ct);
            // The directory is read before the transaction opens: no database lock is held while the network is slow.
            list = await Task.Run(() =>
            {
                using var connection = DirectoryConnection.Open(DirectoryEndpoint.From(settings), settings.BindDn, password);
                return DirectoryReader.ReadUsers(connection, settings, ct);
            }, ct);
        }
        catch (DirectoryException e)
        {
            var message = e.Failure == DirectoryFailure.CredentialsRejected
                ? $"The directory at {DirectoryEndpoint.From(settings).Display} refused the service account (bind DN or its password)."
                : e.Message;
            await RecordFailureAsync(actor, message, ct);
            return DirectoryErrors.Unavailable(message);
        }
        var applied = await ApplyAsync(list, actor, ct);
        if (!applied.Succeeded) await RecordFailureAsync(actor, applied.Error!.Message, ct);
        return applied;
    }

    private async Task<Result<DirectorySyncSummary>> ApplyAsync(DirectoryUserList list, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two syncs at once (schedule and command line) would both create the same users; the row lock makes them take turns.
        await db.DirectorySettings.Where(d => d.Id == DirectorySettings.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastSyncAt, d => d.LastSyncAt), ct);
        var settings = await db.DirectorySettings.SingleAsync(d => d.Id == DirectorySettings.SingletonId, ct);
        var now = time.StoredNow();

        var directoryUsers = await db.Users.Where(u => u.DirectoryDn != null).ToDictionaryAsync(u => u.UserName, ct);
        if (list.Users.Count == 0 && directoryUsers.Values.Any(u => u.IsEnabled))
        {
            // An empty answer is far more often a wrong filter or base DN than everyone leaving at once; disabling every
            // directory user and stripping their rights would be the costly way to find out.
            await tx.RollbackAsync(ct);
            return DirectoryErrors.Unavailable(
                $"The directory returned no users for the filter under '{settings.BaseDn}'; refusing to disable all " +
                $"{directoryUsers.Values.Count(u => u.IsEnabled)} directory users. Check --base-dn and --user-filter.");
        }
        var localNames = (await db.Users.Where(u => u.DirectoryDn == null).Select(u => u.UserName).ToListAsync(ct)).ToHashSet();
        var changes = new UserChanges();
        foreach (var known in directoryUsers.Values) changes.Remember(known);
        var active = new Dictionary<UserId, DirectoryUserEntry>();
        var conflicts = new List<string>();
        var updated = 0;

        foreach (var entry in list.Users)
        {
            if (localNames.Contains(entry.UserName))
            {
                conflicts.Add($"{entry.UserName}: a local user has this name and is left alone");
                continue;
            }
            if (directoryUsers.TryGetValue(entry.UserName, out var user))
            {
                if (user.DirectoryDn != entry.Dn || user.DisplayName != entry.DisplayName)
                {
                    user.DirectoryDn = entry.Dn;
                    user.DisplayName = entry.DisplayName;
                    updated++;
                }
                if (!user.IsEnabled && user.DisabledByAdministrator)
                {
                    // An administrator's offboarding outranks the directory: only an administrator enables the user again.
                    conflicts.Add($"{entry.UserName}: disabled by an administrator and left disabled");
                    continue;
                }
                if (!user.IsEnabled)
                {
                    user.IsEnabled = true;
                    user.DisabledAt = null;
                    // A returning user starts from nothing but what the mapped groups give (below).
                    changes.Enabled.Add(user);
                    changes.RightsRemoved[user.Id] = await StripRightsAsync(db, user.Id, ct);
                }
            }
            else
            {
                user = new User
                {
                    Id = UserId.New(),
                    UserName = entry.UserName,
                    DisplayName = entry.DisplayName,
                    PasswordHash = UnusablePasswordHash(),
                    CreatedAt = now,
                    DirectoryDn = entry.Dn,
                };
                db.Users.Add(user);
                changes.Created.Add(user);
                changes.Remember(user);
            }
            active[user.Id] = entry;
        }

        foreach (var user in directoryUsers.Values.Where(u => u.IsEnabled && !active.ContainsKey(u.Id)))
        {
            user.IsEnabled = false;
            user.DisabledAt = now;
            changes.Disabled.Add(user);
            changes.RightsRemoved[user.Id] = await StripRightsAsync(db, user.Id, ct);
            changes.SessionsRevoked[user.Id] = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
            changes.SessionsRevoked[user.Id] += await db.AccessTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        }

        var groupsCreated = await SyncMembershipsAsync(db, GroupMappings.Parse(settings.GroupMappings), active, changes, now, ct);

        var summary = new DirectorySyncSummary(now, list.Users.Count, changes.Created.Count, updated, changes.Enabled.Count, changes.Disabled.Count,
            changes.Added.Values.Sum(g => g.Count), changes.Removed.Values.Sum(g => g.Count), groupsCreated.Count, list.Skipped, conflicts);
        settings.LastSyncAt = now;
        settings.LastSyncResult = Truncate("ok: " + summary, 2000);
        await audit.CommitAsync(db, tx, AuditEntries(summary, changes, groupsCreated, actor), ct);
        return summary;
    }

    /// <summary>Sets the directory users among each mapped group's members to exactly those the directory names.</summary>
    private static async Task<List<Group>> SyncMembershipsAsync(CustosDbContext db, IReadOnlyDictionary<string, string> mappings,
        Dictionary<UserId, DirectoryUserEntry> active, UserChanges changes, DateTimeOffset now, CancellationToken ct)
    {
        var created = new List<Group>();
        foreach (var target in mappings.GroupBy(m => m.Value, m => m.Key))
        {
            var dns = target.ToHashSet();
            var normalized = dns.Select(DistinguishedNames.Normalize).OfType<string>().ToHashSet();
            var custosGroup = await db.Groups.SingleOrDefaultAsync(g => g.Name == target.Key, ct);
            if (custosGroup is null)
            {
                custosGroup = new Group { Id = GroupId.New(), Name = target.Key, DirectoryDn = dns.Order(StringComparer.Ordinal).First(), CreatedAt = now };
                db.Groups.Add(custosGroup);
                created.Add(custosGroup);
            }
            else
            {
                custosGroup.DirectoryDn ??= dns.Order(StringComparer.Ordinal).First();
            }

            var wanted = active.Where(a => a.Value.MemberOf.Overlaps(normalized)).Select(a => a.Key).ToHashSet();
            // Only directory users' memberships are the directory's to decide; local members stay.
            var current = await (from m in db.GroupMembers
                                 join u in db.Users on m.UserId equals u.Id
                                 where m.GroupId == custosGroup.Id && u.DirectoryDn != null
                                 select m).ToListAsync(ct);
            foreach (var member in current.Where(m => !wanted.Contains(m.UserId)))
            {
                db.GroupMembers.Remove(member);
                changes.Note(changes.Removed, member.UserId, custosGroup.Name);
            }
            var present = current.Select(m => m.UserId).ToHashSet();
            foreach (var userId in wanted.Where(id => !present.Contains(id)))
            {
                db.GroupMembers.Add(new GroupMember { GroupId = custosGroup.Id, UserId = userId, AddedAt = now, AddedBy = AddedBy });
                changes.Note(changes.Added, userId, custosGroup.Name);
            }
        }
        return created;
    }

    /// <summary>Removes every group membership and role; returns the names, for the audit event.</summary>
    private static async Task<List<string>> StripRightsAsync(CustosDbContext db, UserId userId, CancellationToken ct)
    {
        var removed = await (from m in db.GroupMembers
                             join g in db.Groups on m.GroupId equals g.Id
                             where m.UserId == userId
                             select "group:" + g.Name).ToListAsync(ct);
        removed.AddRange(await db.UserRoles.Where(r => r.UserId == userId).Select(r => "role:" + r.Role).ToListAsync(ct));
        await db.GroupMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync(ct);
        await db.UserRoles.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        return removed;
    }

    private static List<AuditEntry> AuditEntries(DirectorySyncSummary summary, UserChanges changes, List<Group> groupsCreated, Actor actor)
    {
        AuditEntry Entry(string action, string target, Dictionary<string, string?> details) =>
            new(actor.Name, action, ClientAddress: actor.ClientAddress, Target: target, Details: details);
        string Names(Dictionary<UserId, List<string>> map, UserId id) => map.TryGetValue(id, out var names) ? string.Join(", ", names) : "";

        var entries = new List<AuditEntry>();
        entries.AddRange(groupsCreated.Select(g => Entry("directory.group.create", $"group:{g.Name}", new() { ["dn"] = g.DirectoryDn })));
        entries.AddRange(changes.Created.Select(u => Entry("directory.user.create", $"user:{u.UserName}",
            new() { ["dn"] = u.DirectoryDn, ["groups"] = Names(changes.Added, u.Id) })));
        entries.AddRange(changes.Enabled.Select(u => Entry("directory.user.enable", $"user:{u.UserName}",
            new() { ["dn"] = u.DirectoryDn, ["removed"] = string.Join(", ", changes.RightsRemoved[u.Id]), ["groups"] = Names(changes.Added, u.Id) })));
        entries.AddRange(changes.Disabled.Select(u => Entry("directory.user.disable", $"user:{u.UserName}",
            new() { ["dn"] = u.DirectoryDn, ["removed"] = string.Join(", ", changes.RightsRemoved[u.Id]), ["revoked"] = changes.SessionsRevoked[u.Id].ToString() })));
        // Users whose mapped memberships changed without being created or re-enabled: rights changes are recorded per person.
        var reported = changes.Created.Concat(changes.Enabled).Select(u => u.Id).ToHashSet();
        foreach (var (id, name) in changes.Added.Keys.Concat(changes.Removed.Keys).Distinct().Where(id => !reported.Contains(id))
                     .Select(id => (id, changes.NameOf(id))))
            entries.Add(Entry("directory.user.groups", $"user:{name}", new() { ["added"] = Names(changes.Added, id), ["removed"] = Names(changes.Removed, id) }));
        entries.Add(Entry("directory.sync", "directory", new()
        {
            ["directoryUsers"] = summary.DirectoryUsers.ToString(),
            ["created"] = summary.Created.ToString(),
            ["updated"] = summary.Updated.ToString(),
            ["enabled"] = summary.Enabled.ToString(),
            ["disabled"] = summary.Disabled.ToString(),
            ["membershipsAdded"] = summary.MembershipsAdded.ToString(),
            ["membershipsRemoved"] = summary.MembershipsRemoved.ToString(),
            ["groupsCreated"] = summary.GroupsCreated.ToString(),
            ["skipped"] = Truncate(string.Join("; ", summary.Skipped), 1000),
            ["conflicts"] = Truncate(string.Join("; ", summary.Conflicts), 1000),
        }));
        return entries;
    }

    private async Task RecordFailureAsync(Actor actor, string message, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var settings = await db.DirectorySettings.SingleAsync(d => d.Id == DirectorySettings.SingletonId, ct);
        settings.LastSyncAt = time.StoredNow();
        settings.LastSyncResult = Truncate("failed: " + message, 2000);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "directory.sync", AuditOutcome.Failure, ClientAddress: actor.ClientAddress,
            Target: "directory", Details: new Dictionary<string, string?> { ["reason"] = Truncate(message, 1000) }), ct);
    }

    /// <summary>
    /// A well-formed Argon2id string over random salt and hash: no password derives to it, so the local login can never
    /// succeed for a directory user, whatever it is fed, and the record looks like any other.
    /// </summary>
    private static string UnusablePasswordHash()
    {
        var p = Argon2Parameters.Default;
        return $"$argon2id$v=19$m={p.MemoryKiB},t={p.Iterations},p={p.Parallelism}" +
               $"${Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=')}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=')}";
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..(length - 1)] + "…";

    private sealed class UserChanges
    {
        private readonly Dictionary<UserId, string> names = [];
        public List<User> Created { get; } = [];
        public List<User> Enabled { get; } = [];
        public List<User> Disabled { get; } = [];
        public Dictionary<UserId, List<string>> RightsRemoved { get; } = [];
        public Dictionary<UserId, int> SessionsRevoked { get; } = [];
        public Dictionary<UserId, List<string>> Added { get; } = [];
        public Dictionary<UserId, List<string>> Removed { get; } = [];

        public void Note(Dictionary<UserId, List<string>> map, UserId user, string group)
        {
            if (!map.TryGetValue(user, out var list)) map[user] = list = [];
            list.Add(group);
        }

        public string NameOf(UserId id) => names.GetValueOrDefault(id, id.ToString());

        public void Remember(User user) => names[user.Id] = user.UserName;
    }
}
