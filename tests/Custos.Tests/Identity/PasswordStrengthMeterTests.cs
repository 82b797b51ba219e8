using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Core.Identity;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

/// <summary>The forms' strength meter: the endpoint it asks, and the forms that carry it.</summary>
public sealed class PasswordStrengthMeterTests
{
    [Fact]
    public async Task Endpoint_WithoutSession_ScoresAndNamesTheBrokenRuleInTheUsersLanguage()
    {
        await using var db = await TestDatabase.CreateAsync("sqlite");
        await using var server = await TestServer.StartAsync(db);
        var client = server.NewBrowser(out _);

        var weak = await AskAsync(client, new { password = "alllowercase1" });
        var german = await AskAsync(client, new { password = "Krankenhaus2023" }, "de-DE");
        var strong = await AskAsync(client, new { password = "vT7#qLm2!xWp9$Rz" });
        var ownName = await AskAsync(client, new { password = "Adalovelace1", userName = "ada", displayName = "Ada Lovelace" });

        Assert.False(weak.GetProperty("acceptable").GetBoolean());
        Assert.Equal("The password must contain an upper-case letter.", weak.GetProperty("problem").GetString());
        Assert.False(german.GetProperty("acceptable").GetBoolean());
        Assert.StartsWith("Das Passwort ist zu verbreitet", german.GetProperty("problem").GetString());
        Assert.True(german.GetProperty("score").GetInt32() < PasswordPolicy.MinimumStrength);
        Assert.True(strong.GetProperty("acceptable").GetBoolean());
        Assert.Equal(4, strong.GetProperty("score").GetInt32());
        Assert.Equal(JsonValueKind.Null, strong.GetProperty("problem").ValueKind);
        Assert.False(ownName.GetProperty("acceptable").GetBoolean());
    }

    [Fact]
    public async Task Endpoint_TooManyRequestsFromOneAddress_429()
    {
        await using var db = await TestDatabase.CreateAsync("sqlite");
        await using var server = await TestServer.StartAsync(db);
        var client = server.NewBrowser(out _);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Web.Identity.PasswordStrengthEndpoint.RequestsPerMinutePerAddress; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/password-strength", new { password = $"Candidate-{i}" });
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.SkipLast(1), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Forms_CarryMeterAndRuleOfTheConfiguredPolicy()
    {
        await using var db = await TestDatabase.CreateAsync("sqlite");
        await using var server = await TestServer.StartAsync(db,
            o => o with { Identity = new IdentityOptions { Argon2 = TestServer.FastArgon2, PasswordPolicy = PasswordPolicy.LengthAndBlockList } });

        var setup = await server.Client.GetStringAsync(server.SetupPath);

        Assert.Contains("data-strength=\"password-strength\"", setup);
        Assert.Contains("minlength=\"12\"", setup);
        Assert.Contains("At least 12 characters; not a common password.", setup);
        Assert.Contains("/js/password-strength.js", setup);
        // Composition rules are off, so a long lower-case passphrase makes the administrator.
        using var created = await server.CompleteSetupAsync(password: "zitronenfalter ruderboot gewitter");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
    }

    private static async Task<JsonElement> AskAsync(HttpClient client, object body, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/password-strength") { Content = JsonContent.Create(body) };
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
