using System.CommandLine;
using Custos.Commands;
using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Keys;
using Custos.Storage;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Ldap;

/// <summary>Shared steps of the directory tests: the command line, a ready database, direct reads of the result.</summary>
public static class DirectoryTestSetup
{
    /// <summary>
    /// `custos directory …` in-process, parsed and run as <see cref="CustosCommandLine"/> does (usage errors exit 2), with
    /// only the directory command mounted so that these tests do not depend on the other commands' registration.
    /// </summary>
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand("custos") { DirectoryCommand.Create(output, error) };
        var parse = root.Parse(["directory", .. args]);
        int code;
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync(e.Message);
            code = CustosCommandLine.UsageError;
        }
        else
        {
            code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        }
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static string[] ConfigureArgs(TestDatabase db, SlapdFixture ldap, string security = "ldaps", string? caDirectory = null, int? port = null)
    {
        var passwordFile = Path.Combine(ldap.Root, "bind-password");
        File.WriteAllText(passwordFile, ldap.AdminPassword + "\n");
        return
        [
            "configure", .. Cli.DatabaseArgs(db),
            "--host", "127.0.0.1",
            "--port", (port ?? (security == "ldaps" ? ldap.TlsPort : ldap.Port)).ToString(),
            "--security", security,
            "--ca-dir", caDirectory ?? ldap.CaDirectory,
            "--base-dn", SlapdFixture.BaseDn,
            "--bind-dn", SlapdFixture.AdminDn,
            "--bind-password-file", passwordFile,
            "--user-filter", SlapdFixture.EnabledUsersFilter,
            "--user-attribute", "sAMAccountName",
            "--map", $"{SlapdFixture.AdminsDn}=Administrators",
            "--map", $"{SlapdFixture.StaffDn}=Staff",
        ];
    }

    public static async Task ConfigureAsync(TestDatabase db, SlapdFixture ldap, string security = "ldaps")
    {
        var result = await RunAsync(ConfigureArgs(db, ldap, security));
        Assert.True(result.ExitCode == 0, $"configure failed: {result.Error}");
    }

    public static async Task<CliResult> SyncAsync(TestDatabase db, bool json = false)
    {
        string[] args = ["sync", .. Cli.DatabaseArgs(db)];
        return await RunAsync(json ? [.. args, "--json"] : args);
    }

    public static async Task SyncOkAsync(TestDatabase db)
    {
        var result = await SyncAsync(db);
        Assert.True(result.ExitCode == 0, $"sync failed: {result.Error}");
    }

    /// <summary>What `custos serve` does on first start, without the web host: schema and keyring.</summary>
    public static async Task InitialiseAsync(TestDatabase db)
    {
        // The services first: they create the data directory the SQLite file lives in.
        await using var services = CommonOptions.LocalServices(db.DataDirectory, db.ConnectionString);
        await DatabaseMigrator.MigrateAsync(db.Settings);
        await services.GetRequiredService<Keyring>().OpenAsync(new Actor("test", "local"));
    }

    public static CustosDbContext Open(TestDatabase db) => StorageServiceCollectionExtensions.CreateContext(db.Settings);

    /// <summary>A local (non-directory) user without roles, able to log in with <paramref name="password"/>.</summary>
    public static async Task<User> AddLocalUserAsync(TestDatabase db, string name, string password)
    {
        await using var context = Open(db);
        var user = new User
        {
            Id = Custos.Core.Common.UserId.New(),
            UserName = name,
            DisplayName = name,
            PasswordHash = new PasswordHasher(TestServer.FastArgon2).Hash(password),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        context.Users.Add(user);
        await context.SaveChangesAsync();
        return user;
    }

    /// <summary>Custos group name → its members' login names, for every group.</summary>
    public static async Task<Dictionary<string, string[]>> MembershipsAsync(TestDatabase db)
    {
        await using var context = Open(db);
        var rows = await (from m in context.GroupMembers
                          join g in context.Groups on m.GroupId equals g.Id
                          join u in context.Users on m.UserId equals u.Id
                          select new { Group = g.Name, User = u.UserName }).ToListAsync();
        return rows.GroupBy(r => r.Group).ToDictionary(g => g.Key, g => g.Select(r => r.User).Order().ToArray());
    }

    public static async Task<User?> UserAsync(TestDatabase db, string name)
    {
        await using var context = Open(db);
        return await context.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == name);
    }
}
