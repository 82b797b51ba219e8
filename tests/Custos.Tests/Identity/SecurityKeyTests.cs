using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Core.Common;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

/// <summary>
/// Security keys without a browser: the JSON endpoints' guards (anti-forgery, session state) and the step-up that
/// sensitive tenants demand. The ceremonies themselves run in Chromium (SecurityKeyJourneyTests).
/// </summary>
public sealed partial class SecurityKeyTests
{
    private const string CarolPassword = "Carol-Secret-2026";

    /// <summary>Tenant Vault (sensitive, project V1) and Plain, both reachable by carol through group staff; Other reachable by nobody.</summary>
    private static async Task<(Guid Vault, Guid V1, Guid Plain, Guid Other)> ArrangeAsync(TestDatabase db)
    {
        async Task Run(params string[] args)
        {
            var r = await Cli.RunAsync([.. args, .. Cli.DatabaseArgs(db)]);
            Assert.True(r.ExitCode == 0, $"custos {string.Join(' ', args)} failed: {r.Error}");
        }
        await Run("tenant", "add", "Vault", "--sensitive");
        await Run("tenant", "add-project", "Vault", "V1");
        await Run("tenant", "add", "Plain");
        await Run("tenant", "add", "Other", "--sensitive");
        await Run("group", "add", "staff");
        await Run("tenant", "grant", "Vault", "staff");
        await Run("tenant", "grant", "Plain", "staff");
        await AdministrationTests.AddUserAsync(db, "carol", CarolPassword);
        await Run("group", "add-member", "staff", "carol");
        return (await db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Vault'"),
            await db.ScalarGuidAsync("SELECT id FROM projects WHERE name = 'V1'"),
            await db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Plain'"),
            await db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Other'"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SensitiveTenant_WithoutFreshStepUp_Answers403StepUpRequired(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        var (vault, v1, plain, other) = await ArrangeAsync(db);
        (await server.LoginAsync("carol", CarolPassword)).Dispose();

        async Task<(HttpStatusCode Status, string Body)> Get(string path)
        {
            using var response = await server.Client.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        async Task SteppedUpAgo(int minutes)
        {
            var at = server.Time.GetUtcNow().AddMinutes(-minutes).ToUnixMicroseconds().ToString(CultureInfo.InvariantCulture);
            await db.ExecuteAsync($"UPDATE user_sessions SET stepped_up_at = {at}");
        }

        var never = await Get($"/api/v1/tenants/{vault}");
        var neverProject = await Get($"/api/v1/tenants/{vault}/projects/{v1}");
        Assert.Equal(HttpStatusCode.Forbidden, never.Status);
        Assert.Equal("step-up required", JsonDocument.Parse(never.Body).RootElement.GetProperty("detail").GetString());
        Assert.Equal("/account/step-up?returnUrl=%2F", JsonDocument.Parse(never.Body).RootElement.GetProperty("stepUpUrl").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, neverProject.Status);
        Assert.Equal("step-up required", JsonDocument.Parse(neverProject.Body).RootElement.GetProperty("detail").GetString());
        // Not sensitive: no step-up needed. Unreachable: 404 as always, whether sensitive or not.
        Assert.Equal(HttpStatusCode.OK, (await Get($"/api/v1/tenants/{plain}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get($"/api/v1/tenants/{other}")).Status);

        await SteppedUpAgo(10);
        Assert.Equal(HttpStatusCode.OK, (await Get($"/api/v1/tenants/{vault}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get($"/api/v1/tenants/{vault}/projects/{v1}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get($"/api/v1/tenants/{other}")).Status);

        await SteppedUpAgo(20);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get($"/api/v1/tenants/{vault}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get($"/api/v1/tenants/{vault}/projects/{v1}")).Status);
    }

    [Fact]
    public async Task Endpoints_WithoutAntiforgeryToken_Refused()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await ArrangeAsync(db);
        (await server.LoginAsync("carol", CarolPassword)).Dispose();

        using var without = await Post(server.Client, "registration/begin", null);
        using var forged = await Post(server.Client, "registration/begin", "not-a-token");
        using var stepUpWithout = await Post(server.Client, "step-up/begin", null);
        var token = await TokenAsync(server.Client, "/account/security");
        using var with = await Post(server.Client, "registration/begin", token);

        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, stepUpWithout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        var options = JsonDocument.Parse(await with.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(options.GetProperty("challenge").GetString()));
    }

    [Fact]
    public async Task Endpoints_WrongSessionState_Refused()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await server.CompleteSetupAsync();
        await server.LoginWithTotpAsync();
        await ArrangeAsync(db);
        (await server.LoginAsync("carol", CarolPassword)).Dispose();
        var carolToken = await TokenAsync(server.Client, "/account/security");

        // Nobody logged in: 401.
        using var anonymous = server.NewBrowser(out _);
        using var anonymousBegin = await Post(anonymous, "registration/begin", carolToken);
        // A full session cannot use the login step, and without a key the step-up has nothing to ask for.
        using var loginFromFull = await Post(server.Client, "login/begin", carolToken);
        using var stepUpWithoutKey = await Post(server.Client, "step-up/begin", carolToken);
        // An answer without a begun ceremony is refused.
        using var finishWithoutBegin = await Post(server.Client, "registration/finish", carolToken,
            """{"name":"k","password":"Carol-Secret-2026","credential":null}""");

        // A session that still owes the second factor may only complete it: no registration, no step-up.
        using var pending = server.NewBrowser(out _);
        using var login = await TestServer.LoginAsync(pending);
        Assert.StartsWith("/login/second-factor", login.Headers.Location?.OriginalString);
        var pendingToken = await TokenAsync(pending, login.Headers.Location!.OriginalString);
        using var registerWhilePending = await Post(pending, "registration/begin", pendingToken);
        using var stepUpWhilePending = await Post(pending, "step-up/begin", pendingToken);
        // It may start the login step, but the administrator has no key yet.
        using var loginWithoutKey = await Post(pending, "login/begin", pendingToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousBegin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, loginFromFull.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stepUpWithoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, finishWithoutBegin.StatusCode);
        Assert.Contains("security_key.challenge_missing", await finishWithoutBegin.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, registerWhilePending.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stepUpWhilePending.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, loginWithoutKey.StatusCode);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM security_keys"));
    }

    [Fact]
    public async Task StepUpPage_NoKey_PointsToAccountSecurity()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await ArrangeAsync(db);
        (await server.LoginAsync("carol", CarolPassword)).Dispose();

        using var page = await server.Client.GetAsync("/account/step-up?returnUrl=%2F");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("href=\"/account/security\"", html);
        Assert.DoesNotContain("data-webauthn", html);
    }

    private static async Task<string> TokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"{page} has no anti-forgery field.");
        return WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, string? token, string body = "{}")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/security-keys/{path}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Add("RequestVerificationToken", token);
        return client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
