using System.Text.Json;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Commands.Vault;

/// <summary>
/// A running server (SQLite) with tenant Acme and three people, each with a vault token in a file: carol manages the
/// vault (group ops), dave may only use it (group helpdesk), erin is an auditor (her token has audit:read). The folder Servers exists. Tests of
/// one class share it and keep to entries of their own (unique titles and passwords).
/// </summary>
public sealed class VaultCliFixture : IAsyncLifetime
{
    public const string Tenant = "Acme";
    private readonly Dictionary<string, string> tokenFiles = [];

    public TestDatabase Database { get; private set; } = null!;
    public TestServer Server { get; private set; } = null!;
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "custos-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        Database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        Server = await TestServer.StartAsync(Database);
        await Server.CompleteSetupAsync();
        foreach (var user in new[] { "carol", "dave", "erin" })
            await AdminAsync("user", "add", user, "--password-file", WriteFile(user + ".pw", "Correct-Horse-42-" + user));
        await AdminAsync("tenant", "add", Tenant);
        foreach (var (group, member, rights) in new[] { ("ops", "carol", "manage"), ("helpdesk", "dave", "use") })
        {
            await AdminAsync("group", "add", group);
            await AdminAsync("group", "add-member", group, member);
            await AdminAsync("tenant", "grant", Tenant, group);
            await AdminAsync("tenant", "vault-grant", Tenant, group, "--rights", rights);
        }
        await AdminAsync("user", "grant-role", "erin", "auditor");
        foreach (var user in new[] { "carol", "dave", "erin" })
        {
            var created = await AdminAsync("token", "create", "--user", user, "--scope", "vault:read", "--scope", user == "erin" ? "audit:read" : "vault:write",
                "--json");
            tokenFiles[user] = WriteFile(user + ".token", JsonDocument.Parse(created).RootElement.GetProperty("token").GetString() + "\n");
        }
        var folder = await VaultAsync("carol", "mkdir", "Servers", "--inherit");
        Assert.True(folder.ExitCode == 0, folder.Error);
    }

    /// <summary>How a person points the command line at the test server: options only, since tests run in parallel.</summary>
    public string[] Connection(string user) =>
        ["--server", Server.HttpsUrl.ToString(), "--token-file", tokenFiles[user], "--data", Database.DataDirectory, "--tenant", Tenant];

    public Task<CliResult> VaultAsync(string user, params string[] args) => Cli.RunAsync(["vault", .. args, .. Connection(user)]);

    /// <summary>Runs `custos ssh ARGS` with the connection options before the arguments (a command follows "--").</summary>
    public Task<CliResult> SshAsync(string user, params string[] args) => Cli.RunAsync(["ssh", .. Connection(user), .. args]);

    public Task<CliResult> ScpAsync(string user, params string[] args) => Cli.RunAsync(["scp", .. Connection(user), .. args]);

    /// <summary>Runs `custos vault` and insists that it succeeds.</summary>
    public async Task<string> VaultOkAsync(string user, params string[] args)
    {
        var result = await VaultAsync(user, args);
        Assert.True(result.ExitCode == 0, $"vault {string.Join(' ', args)}: exit {result.ExitCode}: {result.Error}");
        return result.Output;
    }

    /// <summary>Adds an entry to Servers with the password from a file; returns its id.</summary>
    public async Task<string> AddEntryAsync(string title, string password, params string[] more)
    {
        var output = await VaultOkAsync("carol", ["add", "Servers", "--title", title, "--user", "admin", "--url", $"https://{title.ToLowerInvariant()}.acme.test",
            "--password-file", WriteFile(Guid.NewGuid().ToString("N"), password + "\n"), "--inherit", "--json", .. more]);
        return JsonDocument.Parse(output).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A password no other entry holds (the vault refuses reuse) that meets the default folder policy.</summary>
    public static string NewSecret() => $"Sx-{Guid.NewGuid():N}!9";

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(WorkDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<long> CountAsync(string sql) => Database.ScalarAsync(sql);

    private async Task<string> AdminAsync(params string[] args)
    {
        var result = await Cli.RunAsync([.. args, .. Cli.DatabaseArgs(Database)]);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Error}");
        return result.Output;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
