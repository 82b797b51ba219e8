using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Storage;
using Custos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Vault;

/// <summary>
/// One test's vault world: a fresh database and server (set up by ada, administrator and auditor); groups, tenants,
/// vault-root rights and tokens through the command line, as an operator would set them up (users through the service
/// that `user add` runs, see <see cref="AddUsersAsync"/>). <see cref="VaultClient"/> speaks the tenant's vault API with
/// a user's bearer token.
/// </summary>
public sealed partial class VaultTestSetup : IAsyncDisposable
{
    /// <summary>Every user added here logs in with this password (cookie-session tests).</summary>
    public const string UserPassword = "Correct-Horse-42-vault";

    private readonly List<HttpClient> clients = [];

    private VaultTestSetup(TestDatabase db, TestServer server)
    {
        Db = db;
        Server = server;
    }

    public TestDatabase Db { get; }
    public TestServer Server { get; }
    /// <summary>The server's clock: frozen until a test advances it.</summary>
    public FakeTimeProvider Time => Server.Time;
    public DateTimeOffset Now => Server.Time.GetUtcNow();

    public static async Task<VaultTestSetup> StartAsync(string kind, Func<Web.ServeOptions, Web.ServeOptions>? configure = null)
    {
        var db = await TestDatabase.CreateAsync(kind);
        TestServer? server = null;
        try
        {
            server = await TestServer.StartAsync(db, configure);
            using var done = await server.CompleteSetupAsync();
            Assert.True(done.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"setup answered {(int)done.StatusCode}");
            return new VaultTestSetup(db, server);
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            await db.DisposeAsync();
            throw;
        }
    }

    public Task<CliResult> CliAsync(params string[] args) => Cli.RunAsync([.. args, .. Cli.DatabaseArgs(Db)]);

    /// <summary>Runs a command that must succeed; returns what it printed.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var r = await CliAsync(args);
        Assert.True(r.ExitCode == 0, $"custos {string.Join(' ', args)}: {r.Error}{r.Output}");
        return r.Output;
    }

    /// <summary>
    /// Local users with <see cref="UserPassword"/>. Created by the same <see cref="UserAdministration.CreateAsync"/> that
    /// `custos user add` runs, but the server's instance, with <see cref="TestServer.FastArgon2"/>: the command line's
    /// full-strength Argon2 costs seconds per user on a small machine, and these tests are about the vault.
    /// </summary>
    public async Task AddUsersAsync(params string[] names)
    {
        var users = Server.Host.Services.GetRequiredService<UserAdministration>();
        foreach (var name in names)
        {
            var created = await users.CreateAsync(name, null, UserPassword, Actor.CommandLine());
            Assert.True(created.Succeeded, $"user {name}: {created.Error?.Message}");
        }
    }

    /// <summary>A group with these members.</summary>
    public async Task AddGroupAsync(string group, params string[] members)
    {
        await RunAsync("group", "add", group);
        foreach (var member in members) await RunAsync("group", "add-member", group, member);
    }

    /// <summary>A tenant that each listed group reaches, with the given rights on its vault root ("use", "use,read", "manage", ...).</summary>
    public async Task<Guid> AddTenantAsync(string name, params (string Group, string Rights)[] vaultRoot)
    {
        await RunAsync("tenant", "add", name);
        foreach (var (group, rights) in vaultRoot)
        {
            await RunAsync("tenant", "grant", name, group);
            await RunAsync("tenant", "vault-grant", name, group, "--rights", rights);
        }
        return await Db.ScalarGuidAsync($"SELECT id FROM tenants WHERE name = '{name}'");
    }

    /// <summary>
    /// The usual cast in tenant "Acme": carol (group ops, Manage on the vault root), dave (helpdesk, Use only) and erin
    /// (readers, Use and Read).
    /// </summary>
    public async Task<Guid> StandardTenantAsync(string name = "Acme")
    {
        await AddUsersAsync("carol", "dave", "erin");
        await AddGroupAsync("ops", "carol");
        await AddGroupAsync("helpdesk", "dave");
        await AddGroupAsync("readers", "erin");
        return await AddTenantAsync(name, ("ops", "manage"), ("helpdesk", "use"), ("readers", "use,read"));
    }

    public async Task<string> TokenAsync(string user, params string[] scopes)
    {
        if (scopes.Length == 0) scopes = ["vault:read", "vault:write"];
        var output = await RunAsync(["token", "create", "--user", user, .. scopes.SelectMany(s => new[] { "--scope", s }), "--json"]);
        return JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A client for one user's token (default scopes vault:read and vault:write) on one tenant's vault.</summary>
    public async Task<VaultClient> ConnectAsync(string user, Guid tenant, params string[] scopes)
    {
        var http = Server.NewBrowser(out _);
        clients.Add(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user, scopes));
        return new VaultClient(http, tenant);
    }

    /// <summary>A logged-in browser session (cookies) of a user without second factor, and the anti-forgery token of its pages.</summary>
    public async Task<(HttpClient Browser, string Antiforgery)> BrowserSessionAsync(string user)
    {
        var browser = Server.NewBrowser(out _);
        clients.Add(browser);
        using var login = await TestServer.LoginAsync(browser, user, UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = await browser.GetStringAsync("/account/security");
        var token = AntiforgeryValue().Match(page);
        Assert.True(token.Success, "the account page carries no anti-forgery token");
        return (browser, WebUtility.HtmlDecode(token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value));
    }

    /// <summary>A context on the test's database, to check what was recorded (or to tamper with it).</summary>
    public CustosDbContext Data() => StorageServiceCollectionExtensions.CreateContext(Db.Settings);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in clients) c.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>A strong password no other entry holds (the vault refuses reused passwords).</summary>
    public static string NewSecret(string label = "pw") => $"Zq7!{label}-{Guid.NewGuid():N}";

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryValue();
}

/// <summary>One user's view of one tenant's vault API, with the raw bodies kept so tests can look for leaked secrets.</summary>
public sealed class VaultClient(HttpClient http, Guid tenant)
{
    public HttpClient Http { get; } = http;
    public Guid Tenant { get; } = tenant;
    public string Api => $"/api/v1/tenants/{Tenant}/vault";

    /// <summary>The same user on another tenant's URL.</summary>
    public VaultClient On(Guid otherTenant) => new(Http, otherTenant);

    public async Task<Reply> GetAsync(string path) => await Reply.Of(await Http.GetAsync(Api + path));

    public async Task<Reply> PostAsync(string path, object body) => await Reply.Of(await Http.PostAsJsonAsync(Api + path, body));

    public async Task<Reply> PutAsync(string path, object body) => await Reply.Of(await Http.PutAsJsonAsync(Api + path, body));

    public async Task<Reply> PatchAsync(string path, object body) => await Reply.Of(await Http.PatchAsJsonAsync(Api + path, body));

    public async Task<Reply> DeleteAsync(string path) => await Reply.Of(await Http.DeleteAsync(Api + path));

    public async Task<Reply> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, Api + path) { Content = content };
        return await Reply.Of(await Http.SendAsync(request));
    }

    public async Task<Guid> CreateFolderAsync(string name, Guid? parentId = null, object[]? permissions = null, bool inheritRights = true,
        bool isSensitive = false, object? policy = null)
    {
        var r = await PostAsync("/folders", new { name, parentId, permissions = permissions ?? [], inheritRights, isSensitive, policy });
        r.AssertOk();
        return r.Json.GetProperty("id").GetGuid();
    }

    /// <summary>Creates an entry (inheriting the folder's rights unless told otherwise) and returns its id.</summary>
    public async Task<Guid> CreateEntryAsync(Guid folderId, string title, string password, object? extra = null)
    {
        var r = await CreateEntryRawAsync(folderId, title, password, extra);
        r.AssertOk();
        return r.Json.GetProperty("entry").GetProperty("id").GetGuid();
    }

    /// <summary>POST /entries with the basic fields merged with <paramref name="extra"/> (its properties win).</summary>
    public Task<Reply> CreateEntryRawAsync(Guid folderId, string title, string? password, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["folderId"] = folderId, ["title"] = title, ["userName"] = "admin", ["password"] = password, ["permissions"] = Array.Empty<object>(),
        };
        if (extra is not null)
            foreach (var p in JsonSerializer.SerializeToElement(extra, VaultJsonOptions.Web).EnumerateObject()) body[p.Name] = p.Value;
        return PostAsync("/entries", body);
    }

    public Task<Reply> RevealAsync(Guid entryId, string field = "password", int? version = null) =>
        PostAsync($"/entries/{entryId}/reveal", new { field, version });

    /// <summary>Reveals a field that must be readable, returning its value.</summary>
    public async Task<string> RevealValueAsync(Guid entryId, string field = "password", int? version = null)
    {
        var r = await RevealAsync(entryId, field, version);
        r.AssertOk();
        return r.Json.GetProperty("value").GetString()!;
    }

    public async Task<int> VersionOfAsync(Guid entryId)
    {
        var r = await GetAsync($"/entries/{entryId}");
        r.AssertOk();
        return r.Json.GetProperty("version").GetInt32();
    }
}

/// <summary>A response read whole: status, headers, the raw body and (when it is JSON) the parsed body.</summary>
public sealed class Reply
{
    private JsonElement? json;

    private Reply(HttpResponseMessage response, string body, byte[] bytes)
    {
        Response = response;
        Body = body;
        Bytes = bytes;
    }

    public HttpResponseMessage Response { get; }
    public HttpStatusCode Status => Response.StatusCode;
    public string Body { get; }
    public byte[] Bytes { get; }
    public JsonElement Json => json ??= JsonDocument.Parse(Body).RootElement;
    /// <summary>The problem's "code" extension, or null.</summary>
    public string? Code => Body.StartsWith('{') && Json.TryGetProperty("code", out var c) ? c.GetString() : null;

    public string? Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    public static async Task<Reply> Of(HttpResponseMessage response)
    {
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return new Reply(response, System.Text.Encoding.UTF8.GetString(bytes), bytes);
        }
    }

    public Reply AssertOk()
    {
        Assert.True(Response.IsSuccessStatusCode, $"{Response.RequestMessage?.Method} {Response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)Status}: {Body}");
        return this;
    }

    public Reply AssertStatus(HttpStatusCode expected, string? code = null)
    {
        Assert.True(Status == expected,
            $"{Response.RequestMessage?.Method} {Response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)Status}: {Body}");
        if (code is not null) Assert.Equal(code, Code);
        return this;
    }

    public override string ToString() => $"{(int)Status} {Body}";
}

public static class VaultJsonOptions
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
