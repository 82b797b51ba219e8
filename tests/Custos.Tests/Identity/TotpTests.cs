using System.Net;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Identity.SecondFactor;
using Custos.Core.Keys;
using Custos.Storage;
using Custos.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Custos.Tests.Identity;

/// <summary>TOM 6.4: administrators log in with a second factor, an authenticator app (TOTP) or a recovery code.</summary>
public sealed class TotpTests
{
    private const string GenericError = "The code is wrong or was already used.";
    private const string SecondFactorPage = "/login/second-factor";

    private static async Task<TestServer> StartEnrolledAsync(TestDatabase db)
    {
        var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();
        return server;
    }

    /// <summary>A second browser that has passed the password step and now owes the second factor.</summary>
    private static async Task<HttpClient> PendingBrowserAsync(TestServer server, string returnUrl = "/")
    {
        var browser = server.NewBrowser(out _);
        using var login = await TestServer.PostFormAsync(browser, "/login", new Dictionary<string, string>
        {
            ["userName"] = TestServer.AdminName, ["password"] = TestServer.AdminPassword, ["returnUrl"] = returnUrl,
        });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal($"{SecondFactorPage}?returnUrl={Uri.EscapeDataString(returnUrl)}", login.Headers.Location!.OriginalString);
        return browser;
    }

    private static Task<HttpResponseMessage> AnswerAsync(HttpClient browser, string code, string returnUrl = "/") =>
        TestServer.PostFormAsync(browser, $"{SecondFactorPage}?returnUrl={Uri.EscapeDataString(returnUrl)}", new Dictionary<string, string> { ["code"] = code });

    private static async Task<List<AuditEvent>> AuditAsync(TestDatabase db)
    {
        await using var ctx = StorageServiceCollectionExtensions.CreateContext(db.Settings);
        return await ctx.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    private static async Task<User> AdminRowAsync(TestDatabase db)
    {
        await using var ctx = StorageServiceCollectionExtensions.CreateContext(db.Settings);
        return await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == TestServer.AdminName);
    }

    private static string OtherCode(string code) => ((int.Parse(code) + 1) % 1_000_000).ToString("D6");

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Enrol_Administrator_SeedStoredSealedAndNothingSecretAudited(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await StartEnrolledAsync(db);
        var browser = await PendingBrowserAsync(server);
        var code = server.NextTotpCode();
        (await AnswerAsync(browser, code)).Dispose();

        var user = await AdminRowAsync(db);
        var seed = Base32Encoding.ToBytes(server.TotpSecret!);
        Assert.NotNull(user.TotpConfirmedAt);
        Assert.NotNull(user.TotpSecret);
        Assert.Equal(-1, user.TotpSecret.AsSpan().IndexOf(seed));
        Assert.Equal(-1, user.TotpSecret.AsSpan().IndexOf(Encoding.ASCII.GetBytes(server.TotpSecret!)));
        // Sealed with the system data key and bound to this user's row.
        var keyring = server.Host.Services.GetRequiredService<Keyring>();
        var key = await keyring.GetDataKeyAsync(TenantId.System, FieldCipher.ReadDataKeyVersion(user.TotpSecret));
        Assert.Equal(seed, FieldCipher.Decrypt(key.Key, new FieldContext(TenantId.System.Value, user.Id.ToString(), "totp-secret", 1), user.TotpSecret));
        Assert.Throws<CryptographicException>(() =>
            FieldCipher.Decrypt(key.Key, new FieldContext(TenantId.System.Value, Guid.NewGuid().ToString(), "totp-secret", 1), user.TotpSecret));

        await using (var ctx = StorageServiceCollectionExtensions.CreateContext(db.Settings))
        {
            var stored = await ctx.RecoveryCodes.AsNoTracking().Where(c => c.UserId == user.Id).Select(c => c.CodeHash).ToListAsync();
            Assert.Equal(10, stored.Count);
            Assert.Equal(
                server.RecoveryCodes.Select(c => Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(c.Replace("-", ""))))).Order(),
                stored.Select(Convert.ToHexString).Order());
        }

        var events = await AuditAsync(db);
        Assert.Contains(events, e => e.Action == "auth.totp.begin" && e.Outcome == AuditOutcome.Success);
        Assert.Contains(events, e => e.Action == "auth.totp.enrol" && e.Outcome == AuditOutcome.Success);
        Assert.Contains(events, e => e.Action == "auth.second-factor" && e.Outcome == AuditOutcome.Success && e.Details!.Contains("totp"));
        var recorded = string.Join("\n", events.Select(e => $"{e.Actor} {e.Target} {e.Details}"));
        Assert.DoesNotContain(server.TotpSecret!, recorded, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(code, recorded);
        foreach (var recovery in server.RecoveryCodes)
        {
            Assert.DoesNotContain(recovery, recorded, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(recovery.Replace("-", ""), recorded, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(0, (await Cli.RunAsync(["audit", "verify", .. Cli.DatabaseArgs(db)])).ExitCode);
    }

    [Fact]
    public async Task AdministratorWithoutSecondFactor_AnyPageOrApi_OnlyEnrolmentReachable()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        using var login = await server.LoginAsync();
        Assert.Equal("/", login.Headers.Location!.OriginalString);

        using var api = await server.Client.GetAsync("/api/v1/audit/events");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        Assert.Contains("enrol a second factor", await api.Content.ReadAsStringAsync());
        using var page = await server.Client.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Administrators need a second factor", await page.Content.ReadAsStringAsync());

        await AssertOnlyReachableAsync(server, server.Client,
            ["/account/security", "/api/v1/security-keys/registration/begin", "/api/v1/security-keys/registration/finish"], "/account/security");
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action IN ('audit.view', 'audit.export')"));

        // Enrolled, the same session can go everywhere.
        (await server.EnrolTotpAsync()).Dispose();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/v1/audit/events")).StatusCode);
    }

    [Fact]
    public async Task PendingSession_AnyPageOrApi_OnlySecondFactorReachable()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await StartEnrolledAsync(db);
        var browser = await PendingBrowserAsync(server, "/audit");

        using var home = await browser.GetAsync("/");
        Assert.Equal($"{SecondFactorPage}?returnUrl=%2F", home.Headers.Location!.OriginalString);
        using var audit = await browser.GetAsync("/audit");
        Assert.Equal($"{SecondFactorPage}?returnUrl=%2Faudit", audit.Headers.Location!.OriginalString);
        using var api = await browser.GetAsync("/api/v1/audit/events");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Contains("second factor", await api.Content.ReadAsStringAsync());
        await AssertOnlyReachableAsync(server, browser,
            [SecondFactorPage, "/api/v1/security-keys/login/begin", "/api/v1/security-keys/login/finish"], SecondFactorPage);

        using var done = await AnswerAsync(browser, server.NextTotpCode(), "/audit");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/audit", done.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/audit/events")).StatusCode);
        // Nothing left to answer: a full session is turned away from the second-factor page.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(SecondFactorPage)).StatusCode);
    }

    [Fact]
    public async Task SecondFactor_ReturnUrlToOtherSite_RedirectsHome()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await StartEnrolledAsync(db);
        var browser = server.NewBrowser(out _);

        using var login = await TestServer.PostFormAsync(browser, "/login", new Dictionary<string, string>
        {
            ["userName"] = TestServer.AdminName, ["password"] = TestServer.AdminPassword, ["returnUrl"] = "//evil.example",
        });
        Assert.Equal($"{SecondFactorPage}?returnUrl=%2F", login.Headers.Location!.OriginalString);
        using var done = await TestServer.PostFormAsync(browser, SecondFactorPage, new Dictionary<string, string>
        {
            ["code"] = server.NextTotpCode(), ["returnUrl"] = "https://evil.example/",
        });

        Assert.Equal("/", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SecondFactor_WrongOrMalformedCode_OneGenericErrorAndAudited()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await StartEnrolledAsync(db);
        var browser = await PendingBrowserAsync(server);
        var before = await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.second-factor' AND outcome = 2");

        var answers = new List<(HttpStatusCode Status, string Body)>();
        foreach (var attempt in new[] { OtherCode(server.NextTotpCode()), "hello", "aaaa-bbbb-cccc" })
        {
            using var response = await AnswerAsync(browser, attempt);
            answers.Add((response.StatusCode, Strip(await response.Content.ReadAsStringAsync())));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.All(answers, a => Assert.Contains(GenericError, a.Body));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Equal(before + 3, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.second-factor' AND outcome = 2"));
        foreach (var reason in new[] { "wrong-code", "malformed", "wrong-recovery-code" })
            Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM audit_events WHERE action = 'auth.second-factor' AND details LIKE '%{reason}%'"));
        Assert.StartsWith(SecondFactorPage, (await browser.GetAsync("/")).Headers.Location!.OriginalString);
    }

    private static string Strip(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "name=\"__af\" type=\"hidden\" value=\"[^\"]+\"", "");

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SecondFactor_CodeReusedWithinItsWindow_Refused(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await StartEnrolledAsync(db);
        var first = await PendingBrowserAsync(server);
        var second = await PendingBrowserAsync(server);
        var code = server.NextTotpCode();

        using var accepted = await AnswerAsync(first, code);
        server.Time.Advance(TimeSpan.FromSeconds(10));
        using var replayed = await AnswerAsync(second, code);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains(GenericError, await replayed.Content.ReadAsStringAsync());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.second-factor' AND details LIKE '%replayed%'"));
        // The next code works.
        using var next = await AnswerAsync(second, server.NextTotpCode());
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SecondFactor_CodeOfPreviousStepAcceptedOnce_OfTwoStepsAgoRefused(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await StartEnrolledAsync(db);

        var late = await PendingBrowserAsync(server);
        var code = server.NextTotpCode();
        server.Time.Advance(TimeSpan.FromSeconds(30));
        using var previousStep = await AnswerAsync(late, code);
        var again = await PendingBrowserAsync(server);
        using var previousStepAgain = await AnswerAsync(again, code);

        var tooLate = await PendingBrowserAsync(server);
        var older = server.NextTotpCode();
        server.Time.Advance(TimeSpan.FromSeconds(60));
        using var twoStepsAgo = await AnswerAsync(tooLate, older);

        Assert.Equal(HttpStatusCode.Redirect, previousStep.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, previousStepAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, twoStepsAgo.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RecoveryCode_WorksOnceThenUsedUp(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await StartEnrolledAsync(db);
        var recovery = server.RecoveryCodes[0];

        var first = await PendingBrowserAsync(server);
        using var accepted = await AnswerAsync(first, recovery);
        var second = await PendingBrowserAsync(server);
        using var replayed = await AnswerAsync(second, recovery);
        // As typed from paper: upper case, spaces instead of dashes.
        using var another = await AnswerAsync(second, server.RecoveryCodes[1].ToUpperInvariant().Replace('-', ' '));

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains(GenericError, await replayed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, another.StatusCode);
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NOT NULL"));
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.second-factor' AND outcome = 1 AND details LIKE '%recovery-code%'"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.second-factor' AND outcome = 2 AND details LIKE '%wrong-recovery-code%'"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Remove_AdministratorsLastFactor_RefusedEvenWithPassword(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await StartEnrolledAsync(db);

        using var wrong = await server.PostFormAsync("/account/security", new Dictionary<string, string> { ["password"] = "Wrong-Password-1" },
            "/account/security?handler=remove");
        using var last = await server.PostFormAsync("/account/security", new Dictionary<string, string> { ["password"] = TestServer.AdminPassword },
            "/account/security?handler=remove");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("The password is wrong.", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("cannot turn off their last second factor", await last.Content.ReadAsStringAsync());
        Assert.NotNull((await AdminRowAsync(db)).TotpConfirmedAt);
        Assert.Equal(10, await db.ScalarAsync("SELECT COUNT(*) FROM recovery_codes"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.totp.remove' AND outcome = 2"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.totp.remove' AND outcome = 3"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Remove_UserWithPassword_SeedAndRecoveryCodesGone(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        var services = server.Host.Services;
        var hasher = services.GetRequiredService<PasswordHasher>();
        var user = new User { Id = UserId.New(), UserName = "bob", DisplayName = "Bob", PasswordHash = hasher.Hash("Bobs-Password-42"), CreatedAt = server.Time.GetUtcNow() };
        await using (var ctx = await services.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync())
        {
            ctx.Users.Add(user);
            await ctx.SaveChangesAsync();
        }
        var enrolment = services.GetRequiredService<TotpEnrolment>();
        var actor = new Actor("user:bob", "127.0.0.1");

        var start = await enrolment.BeginAsync(user.Id, null, actor);
        Assert.StartsWith("otpauth://totp/Custos:bob?secret=" + start.Value!.Secret + "&issuer=Custos", start.Value.OtpAuthUri);
        Assert.StartsWith("<svg", start.Value.QrCodeSvg.TrimStart());
        Assert.False((await enrolment.GetStatusAsync(user.Id)).Enabled);
        var confirmed = await enrolment.ConfirmAsync(user.Id, new Totp(Base32Encoding.ToBytes(start.Value.Secret)).ComputeTotp(server.Time.GetUtcNow().UtcDateTime), actor);
        Assert.True(confirmed.Succeeded);
        Assert.True((await enrolment.GetStatusAsync(user.Id)).CanRemove);

        var wrong = await enrolment.RemoveAsync(user.Id, "Wrong-Password-1", actor);
        var removed = await enrolment.RemoveAsync(user.Id, "Bobs-Password-42", actor);

        Assert.Equal(SecondFactorErrors.PasswordWrong, wrong.Error);
        Assert.True(removed.Succeeded);
        await using (var ctx = StorageServiceCollectionExtensions.CreateContext(db.Settings))
        {
            var row = await ctx.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
            Assert.Null(row.TotpSecret);
            Assert.Null(row.TotpConfirmedAt);
            Assert.Equal(0, await ctx.RecoveryCodes.CountAsync(c => c.UserId == user.Id));
        }
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.totp.remove' AND outcome = 1 AND target = 'user:bob'"));
    }

    [Fact]
    public async Task Reenrol_NeedsPassword_ReplacesSeedAndRecoveryCodes()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await StartEnrolledAsync(db);
        var oldSecret = server.TotpSecret!;
        var oldCodes = server.RecoveryCodes;

        using var noPassword = await server.PostFormAsync("/account/security", new Dictionary<string, string>(), "/account/security?handler=begin");
        Assert.Equal(HttpStatusCode.BadRequest, noPassword.StatusCode);
        Assert.DoesNotContain("totp-secret", await noPassword.Content.ReadAsStringAsync());

        using var begin = await server.PostFormAsync("/account/security", new Dictionary<string, string> { ["password"] = TestServer.AdminPassword },
            "/account/security?handler=begin");
        var newSecret = System.Text.RegularExpressions.Regex.Match(await begin.Content.ReadAsStringAsync(), "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value;
        Assert.NotEqual("", newSecret);
        Assert.NotEqual(oldSecret, newSecret);
        server.Time.Advance(TimeSpan.FromSeconds(30));
        using var confirm = await server.PostFormAsync("/account/security", new Dictionary<string, string>
        {
            ["code"] = new Totp(Base32Encoding.ToBytes(newSecret)).ComputeTotp(server.Time.GetUtcNow().UtcDateTime),
        }, "/account/security?handler=confirm");
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("id=\"recovery-codes\"", await confirm.Content.ReadAsStringAsync());

        // The old app and the old recovery codes no longer open a session.
        server.Time.Advance(TimeSpan.FromSeconds(30));
        var browser = await PendingBrowserAsync(server);
        using var oldApp = await AnswerAsync(browser, new Totp(Base32Encoding.ToBytes(oldSecret)).ComputeTotp(server.Time.GetUtcNow().UtcDateTime));
        using var oldRecovery = await AnswerAsync(browser, oldCodes[2]);
        using var newApp = await AnswerAsync(browser, new Totp(Base32Encoding.ToBytes(newSecret)).ComputeTotp(server.Time.GetUtcNow().UtcDateTime));
        Assert.Equal(HttpStatusCode.Unauthorized, oldApp.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldRecovery.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, newApp.StatusCode);
        Assert.Equal(10, await db.ScalarAsync("SELECT COUNT(*) FROM recovery_codes"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.totp.begin' AND outcome = 2"));
    }

    /// <summary>
    /// Every protected route, asked by <paramref name="browser"/>, is refused except <paramref name="allowed"/>: pages
    /// redirect to <paramref name="redirectTo"/>, the API answers 403. Logout stays open to every session.
    /// </summary>
    private static async Task AssertOnlyReachableAsync(TestServer server, HttpClient browser, string[] allowed, string redirectTo)
    {
        var routes = server.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]))
            .Where(r => r.Route != "/logout" && !allowed.Contains(r.Route))
            .ToList();
        Assert.Contains(routes, r => r.Route == "/audit");
        foreach (var (route, methods) in routes)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route, "\\{[^}]+\\}", Guid.NewGuid().ToString());
            foreach (var method in RouteMethods.Sendable(methods))
            {
                using var response = await browser.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                var location = response.Headers.Location?.OriginalString;
                var redirected = response.StatusCode == HttpStatusCode.Redirect && location is not null && location.StartsWith(redirectTo);
                Assert.True(redirected || response.StatusCode == HttpStatusCode.Forbidden,
                    $"{method} {path} answered {(int)response.StatusCode} {location} to a session that should reach only {string.Join(", ", allowed)}.");
            }
        }
    }
}
