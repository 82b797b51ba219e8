using System.DirectoryServices.Protocols;
using System.Net;
using System.Text.Json;
using Custos.Core.Identity;
using Custos.Core.Ldap;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Custos.Tests.Ldap.DirectoryTestSetup;
using DirectoryConnection = Custos.Core.Ldap.DirectoryConnection;

namespace Custos.Tests.Ldap;

public sealed class DirectorySyncTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_FirstRun_CreatesEnabledUsersWithMappedGroups(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        await ConfigureAsync(db, ldap);

        var result = await SyncAsync(db, json: true);

        Assert.True(result.ExitCode == 0, result.Error);
        var summary = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(4, summary.GetProperty("created").GetInt32());
        Assert.Equal(4, summary.GetProperty("membershipsAdded").GetInt32());
        await using var context = Open(db);
        var users = await context.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync();
        Assert.Equal(["alice", "bob", "carol", "dave"], users.Select(u => u.UserName));
        Assert.All(users, u => Assert.Equal(SlapdFixture.DnOf(u.UserName), u.DirectoryDn));
        Assert.All(users, u => Assert.True(u.IsEnabled));
        Assert.Equal("Carol Clark", users.Single(u => u.UserName == "carol").DisplayName);
        // Well-formed, random hashes that no password was derived from: the local login can never succeed for them.
        Assert.All(users, u => Assert.StartsWith("$argon2id$v=19$", u.PasswordHash));
        Assert.Equal(4, users.Select(u => u.PasswordHash).Distinct().Count());
        var groups = await MembershipsAsync(db);
        Assert.Equal(["alice", "bob"], groups["Administrators"]);
        Assert.Equal(["carol", "dave"], groups["Staff"]);
        Assert.Equal(SlapdFixture.AdminsDn, (await context.Groups.SingleAsync(g => g.Name == "Administrators")).DirectoryDn);
        Assert.Empty(await context.UserRoles.ToListAsync());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.sync' AND outcome = 1"));
        Assert.Equal(4, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user.create'"));
        Assert.StartsWith("ok: ", (await context.DirectorySettings.SingleAsync()).LastSyncResult);

        // A second run with nothing changed changes nothing.
        var again = JsonDocument.Parse((await SyncAsync(db, json: true)).Output).RootElement;
        Assert.Equal(0, again.GetProperty("created").GetInt32() + again.GetProperty("disabled").GetInt32() +
                         again.GetProperty("membershipsAdded").GetInt32() + again.GetProperty("membershipsRemoved").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_DirectoryMembershipChanged_MappedGroupsFollowLocalAndUnmappedUntouched(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        var local = await AddLocalUserAsync(db, "lena", "Local-Password-42");
        await using (var context = Open(db))
        {
            var administrators = await context.Groups.SingleAsync(g => g.Name == "Administrators");
            var projects = new Group { Id = Custos.Core.Common.GroupId.New(), Name = "Projects", CreatedAt = DateTimeOffset.UtcNow };
            context.Groups.Add(projects);
            var bob = await context.Users.SingleAsync(u => u.UserName == "bob");
            context.GroupMembers.AddRange(
                new GroupMember { GroupId = administrators.Id, UserId = local.Id, AddedAt = DateTimeOffset.UtcNow, AddedBy = "test" },
                new GroupMember { GroupId = projects.Id, UserId = bob.Id, AddedAt = DateTimeOffset.UtcNow, AddedBy = "test" });
            await context.SaveChangesAsync();
        }

        ldap.SetGroupMembers(SlapdFixture.AdminsDn, "alice", "carol");
        await SyncOkAsync(db);

        var groups = await MembershipsAsync(db);
        Assert.Equal(["alice", "carol", "lena"], groups["Administrators"]);
        Assert.Equal(["carol", "dave"], groups["Staff"]);
        Assert.Equal(["bob"], groups["Projects"]);
        Assert.True((await UserAsync(db, "lena"))!.IsEnabled);
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user.groups'"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_UserDisabledInDirectory_DisabledSessionsRevokedMembershipsRemoved(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await using var server = await TestServer.StartAsync(db);
        ldap.Enable("erin");
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        Assert.Equal(["carol", "dave", "erin"], (await MembershipsAsync(db))["Staff"]);
        using (var login = await server.LoginAsync("erin", SlapdFixture.PasswordOf("erin")))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = server.Cookies.GetCookies(server.HttpsUrl)["__Host-custos-session"]!.Value;
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);

        ldap.Disable("erin");
        var result = await SyncAsync(db, json: true);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(1, JsonDocument.Parse(result.Output).RootElement.GetProperty("disabled").GetInt32());
        var erin = (await UserAsync(db, "erin"))!;
        Assert.False(erin.IsEnabled);
        Assert.NotNull(erin.DisabledAt);
        await using (var context = Open(db))
        {
            Assert.All(await context.UserSessions.Where(s => s.UserId == erin.Id).ToListAsync(), s => Assert.NotNull(s.RevokedAt));
            Assert.False(await context.GroupMembers.AnyAsync(m => m.UserId == erin.Id));
        }
        var replay = server.NewBrowser(out var jar);
        jar.Add(server.HttpsUrl, new Cookie("__Host-custos-session", cookie));
        using var page = await replay.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.OriginalString);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user.disable'"));
        Assert.Equal(["carol", "dave"], (await MembershipsAsync(db))["Staff"]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_UserReEnabled_StartsWithOnlyMappedGroups(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        ldap.Enable("erin");
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        ldap.Disable("erin");
        await SyncOkAsync(db);
        // Rights that reached her while disabled (by hand, or left from before) must not come back with her.
        await using (var context = Open(db))
        {
            var erin = await context.Users.SingleAsync(u => u.UserName == "erin");
            var projects = new Group { Id = Custos.Core.Common.GroupId.New(), Name = "Projects", CreatedAt = DateTimeOffset.UtcNow };
            context.Groups.Add(projects);
            context.GroupMembers.Add(new GroupMember { GroupId = projects.Id, UserId = erin.Id, AddedAt = DateTimeOffset.UtcNow, AddedBy = "test" });
            context.UserRoles.Add(new UserRole { UserId = erin.Id, Role = Roles.Auditor, GrantedAt = DateTimeOffset.UtcNow, GrantedBy = "test" });
            await context.SaveChangesAsync();
        }

        ldap.SetGroupMembers(SlapdFixture.AdminsDn, "alice", "bob", "erin");
        ldap.SetGroupMembers(SlapdFixture.StaffDn, "carol", "dave");
        ldap.Enable("erin");
        await SyncOkAsync(db);

        var user = (await UserAsync(db, "erin"))!;
        Assert.True(user.IsEnabled);
        Assert.Null(user.DisabledAt);
        var groups = await MembershipsAsync(db);
        Assert.Equal(["Administrators"], groups.Where(g => g.Value.Contains("erin")).Select(g => g.Key));
        await using (var context = Open(db))
            Assert.False(await context.UserRoles.AnyAsync(r => r.UserId == user.Id));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user.enable'"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_UserOffboardedByAdministrator_StaysDisabledWithoutGroups(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        var disable = await Cli.RunAsync(["user", "disable", "carol", .. Cli.DatabaseArgs(db)]);
        Assert.True(disable.ExitCode == 0, disable.Error);

        // Still enabled and in the mapped group in the directory: the administrator's offboarding wins anyway.
        var result = await SyncAsync(db);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("carol: disabled by an administrator", result.Output);
        Assert.False((await UserAsync(db, "carol"))!.IsEnabled);
        Assert.DoesNotContain("carol", (await MembershipsAsync(db))["Staff"]);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user.enable'"));

        var enable = await Cli.RunAsync(["user", "enable", "carol", .. Cli.DatabaseArgs(db)]);
        Assert.True(enable.ExitCode == 0, enable.Error);
        await SyncOkAsync(db);
        Assert.True((await UserAsync(db, "carol"))!.IsEnabled);
        Assert.Contains("carol", (await MembershipsAsync(db))["Staff"]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_LocalUserWithDirectoryName_LeftAlone(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        var local = await AddLocalUserAsync(db, "carol", "Local-Password-42");
        await ConfigureAsync(db, ldap);

        var result = await SyncAsync(db);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("conflict carol", result.Output);
        var carol = (await UserAsync(db, "carol"))!;
        Assert.Null(carol.DirectoryDn);
        Assert.Equal(local.PasswordHash, carol.PasswordHash);
        Assert.DoesNotContain("carol", (await MembershipsAsync(db))["Staff"]);
    }

    [Fact]
    public async Task Sync_MappingOnOuterGroup_ReachesMembersOfNestedGroupsEvenInACycle()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        // company > departments > staff (carol, dave); departments also names company back: a cycle must not hang the sync.
        var departments = ldap.AddGroup("departments", SlapdFixture.StaffDn);
        var company = ldap.AddGroup("company", departments);
        ldap.Modify(departments, System.DirectoryServices.Protocols.DirectoryAttributeOperation.Add, "member", company);
        Assert.Equal(0, (await RunAsync([.. ConfigureArgs(db, ldap), "--map", $"{company}=Everyone"])).ExitCode);

        await SyncOkAsync(db);

        var groups = await MembershipsAsync(db);
        Assert.Equal(["carol", "dave"], groups["Everyone"]);
        Assert.Equal(["carol", "dave"], groups["Staff"]);
    }

    [Fact]
    public async Task Sync_FilterMatchesNobody_RefusedNobodyDisabled()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        var typo = ConfigureArgs(db, ldap).Select(a => a == SlapdFixture.EnabledUsersFilter ? "(&(objectClass=inetOrgPerson)(sAMAccountName=nobody))" : a);
        Assert.Equal(0, (await RunAsync([.. typo])).ExitCode);

        var result = await SyncAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refusing to disable all 4 directory users", result.Error);
        await using var context = Open(db);
        Assert.Equal(4, await context.Users.CountAsync(u => u.IsEnabled));
        Assert.Equal(4, await context.GroupMembers.CountAsync());
    }

    [Fact]
    public async Task Sync_MappingSpelledDifferentlyThanMemberOf_StillMatches()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        var args = ConfigureArgs(db, ldap).Select(a => a == $"{SlapdFixture.StaffDn}=Staff" ? "CN=Staff, OU=groups,DC=Example, dc=TEST=Staff" : a);
        Assert.Equal(0, (await RunAsync([.. args])).ExitCode);

        await SyncOkAsync(db);

        Assert.Equal(["carol", "dave"], (await MembershipsAsync(db))["Staff"]);
    }

    [Fact]
    public async Task Search_MoreEntriesThanOnePage_ReadsAll()
    {
        await using var ldap = await SlapdFixture.StartAsync();
        using (var admin = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", ldap.Port), new NetworkCredential(SlapdFixture.AdminDn, ldap.AdminPassword), AuthType.Basic))
        {
            admin.SessionOptions.ProtocolVersion = 3;
            for (var i = 0; i < 520; i++)
            {
                var add = new AddRequest($"uid=bulk{i},{SlapdFixture.PeopleDn}", "inetOrgPerson");
                add.Attributes.Add(new DirectoryAttribute("uid", $"bulk{i}"));
                add.Attributes.Add(new DirectoryAttribute("cn", $"Bulk {i}"));
                add.Attributes.Add(new DirectoryAttribute("sn", "Bulk"));
                admin.SendRequest(add);
            }
        }
        var endpoint = new DirectoryEndpoint("127.0.0.1", ldap.TlsPort, DirectorySecurity.Ldaps, false, ldap.CaDirectory);

        using var connection = DirectoryConnection.Open(endpoint, SlapdFixture.AdminDn, ldap.AdminPassword);
        var entries = connection.Search(SlapdFixture.PeopleDn, "(objectClass=inetOrgPerson)", SearchScope.OneLevel, ["uid"]);

        Assert.Equal(525, entries.Count);
    }
}
