using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity;

public sealed record GroupSummary(GroupId Id, string Name, string? Description, bool FromDirectory, IReadOnlyList<string> Members);

/// <summary>Groups (roles such as accounting, support, management) and their members. Administration only.</summary>
public sealed class GroupAdministration(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public static readonly Error NotFound = new("group.not_found", "No such group.");
    public static readonly Error NameTaken = new("group.name_taken", "A group with this name exists already.");
    public static readonly Error NameInvalid = new("group.name_invalid", "The group name must be 1 to 100 characters.");
    public static readonly Error UserNotFound = new("user.not_found", "No such user.");
    public static readonly Error DirectoryOwned = new("group.directory_owned", "This group mirrors a directory group; change its members in the directory.");

    public async Task<Result<Group>> CreateAsync(string name, string? description, Actor actor, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100) return NameInvalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Groups.AnyAsync(g => g.Name == name, ct)) return NameTaken;
        var group = new Group { Id = GroupId.New(), Name = name, Description = description?.Trim(), CreatedAt = time.StoredNow() };
        db.Groups.Add(group);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "group.create", Target: $"group:{name}", ClientAddress: actor.ClientAddress), ct);
        return group;
    }

    public Task<Result<bool>> AddMemberAsync(string groupName, string userName, Actor actor, CancellationToken ct = default) =>
        ChangeMemberAsync(groupName, userName, add: true, actor, ct);

    public Task<Result<bool>> RemoveMemberAsync(string groupName, string userName, Actor actor, CancellationToken ct = default) =>
        ChangeMemberAsync(groupName, userName, add: false, actor, ct);

    private async Task<Result<bool>> ChangeMemberAsync(string groupName, string userName, bool add, Actor actor, CancellationToken ct)
    {
        var name = UserNames.Normalize(userName);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == groupName, ct);
        if (group is null) return NotFound;
        if (group.DirectoryDn is not null) return DirectoryOwned;
        var user = name is null ? null : await db.Users.SingleOrDefaultAsync(u => u.UserName == name, ct);
        if (user is null) return UserNotFound;
        var member = await db.GroupMembers.SingleOrDefaultAsync(m => m.GroupId == group.Id && m.UserId == user.Id, ct);
        if (add == (member is not null)) return false;
        if (add) db.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = user.Id, AddedAt = time.StoredNow(), AddedBy = actor.Name });
        else db.GroupMembers.Remove(member!);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, add ? "group.member.add" : "group.member.remove", Target: $"group:{group.Name}",
            ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?> { ["user"] = user.UserName }), ct);
        return true;
    }

    public async Task<IReadOnlyList<GroupSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(ct);
        var members = await (from m in db.GroupMembers join u in db.Users on m.UserId equals u.Id select new { m.GroupId, u.UserName })
            .AsNoTracking().ToListAsync(ct);
        var byGroup = members.GroupBy(m => m.GroupId).ToDictionary(g => g.Key, g => g.Select(x => x.UserName).Order().ToList());
        return groups.Select(g => new GroupSummary(g.Id, g.Name, g.Description, g.DirectoryDn is not null,
            byGroup.TryGetValue(g.Id, out var names) ? names : [])).ToList();
    }
}
