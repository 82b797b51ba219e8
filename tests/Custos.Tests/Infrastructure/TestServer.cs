using System.Net;
using System.Text.RegularExpressions;
using Custos.Core.Identity;
using Custos.Web;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// The real Custos host on free loopback ports (HTTPS and the HTTP redirect listener), with a browser-like client:
/// cookies kept, redirects not followed, anti-forgery tokens taken from the forms as a browser would submit them.
/// </summary>
public sealed partial class TestServer : IAsyncDisposable
{
    /// <summary>Light Argon2 settings so that tests of other behaviour do not spend seconds hashing; the format is the real one.</summary>
    public static readonly Argon2Parameters FastArgon2 = new(1024, 1, 1);

    private TestServer(CustosHost host, ServeOptions options, FakeTimeProvider time)
    {
        Host = host;
        Options = options;
        Time = time;
        Cookies = new CookieContainer();
        Client = NewClient(Cookies, host.HttpsUrl);
    }

    public CustosHost Host { get; }
    public ServeOptions Options { get; }
    public FakeTimeProvider Time { get; }
    public CookieContainer Cookies { get; }
    public HttpClient Client { get; }
    public Uri HttpsUrl => Host.HttpsUrl;
    public string? SetupPath => Host.SetupLink is null ? null : new Uri(Host.SetupLink).PathAndQuery;

    public static async Task<TestServer> StartAsync(TestDatabase database, Func<ServeOptions, ServeOptions>? configure = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new ServeOptions
        {
            DataDirectory = database.DataDirectory,
            Database = database.ConnectionString,
            HttpsPort = FreePort.Next(),
            HttpPort = FreePort.Next(),
            Time = time,
            Identity = new IdentityOptions { Argon2 = FastArgon2 },
            // Every upload passes the real sluice and clamd. Feature tests of documents keep what they upload (the
            // original, checked); the sluice's own tests turn disarming on.
            Clamd = await TestClamd.AddressAsync(),
            SluiceRelease = Core.Sluice.SluiceRelease.Original,
        };
        if (configure is not null) options = configure(options);
        var host = await CustosHost.StartAsync(options);
        return new TestServer(host, options, time);
    }

    /// <summary>A second, independent browser (own cookies) against the same server.</summary>
    public HttpClient NewBrowser(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return NewClient(cookies, HttpsUrl);
    }

    private static HttpClient NewClient(CookieContainer cookies, Uri baseAddress) =>
        new(new HttpClientHandler
        {
            CookieContainer = cookies,
            AllowAutoRedirect = false,
            // The server's own self-signed certificate for localhost; these tests are about HTTP behaviour, testssl checks TLS.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        })
        { BaseAddress = baseAddress };

    /// <summary>GETs the page holding the form, then posts the fields with the page's anti-forgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, IDictionary<string, string> fields, string? postPath = null)
    {
        var page = await client.GetAsync(formPage);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html);
        var all = new Dictionary<string, string>(fields);
        if (token.Success) all["__af"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await client.PostAsync(postPath ?? formPage, new FormUrlEncodedContent(all));
    }

    public Task<HttpResponseMessage> PostFormAsync(string formPage, IDictionary<string, string> fields, string? postPath = null) =>
        PostFormAsync(Client, formPage, fields, postPath);

    public const string AdminName = "ada";
    public const string AdminPassword = "Correct-Horse-42";

    public async Task<HttpResponseMessage> CompleteSetupAsync(string user = AdminName, string password = AdminPassword, bool grantAuditor = true)
    {
        var fields = new Dictionary<string, string>
        {
            ["userName"] = user,
            ["displayName"] = "Ada Lovelace",
            ["password"] = password,
            ["passwordRepeat"] = password,
        };
        if (grantAuditor) fields["grantAuditor"] = "true";
        return await PostFormAsync(SetupPath ?? throw new InvalidOperationException("No setup link was issued."), fields);
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string user = AdminName, string password = AdminPassword) =>
        PostFormAsync(client, "/login", new Dictionary<string, string> { ["userName"] = user, ["password"] = password });

    public Task<HttpResponseMessage> LoginAsync(string user = AdminName, string password = AdminPassword) => LoginAsync(Client, user, password);

    /// <summary>The base32 TOTP seed the administrator enrolled through the page, kept so that later logins can answer as an app would.</summary>
    public string? TotpSecret { get; private set; }
    /// <summary>The recovery codes shown once after enrolment.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];
    private long lastTotpStep;

    /// <summary>
    /// The code an authenticator app shows now. A step is accepted once, so when this one was used already the fake clock
    /// moves on to the start of the next step first, as a user would wait for the next code.
    /// </summary>
    public string NextTotpCode()
    {
        var seed = Base32Encoding.ToBytes(TotpSecret ?? throw new InvalidOperationException("No TOTP enrolled yet."));
        var now = Time.GetUtcNow();
        var step = now.ToUnixTimeSeconds() / 30;
        if (step <= lastTotpStep)
        {
            step = lastTotpStep + 1;
            Time.Advance(DateTimeOffset.FromUnixTimeSeconds(step * 30) - now);
        }
        lastTotpStep = step;
        return new Totp(seed).ComputeTotp(Time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// For a logged-in session: sets up the authenticator app on /account/security as a person would (reads the key from
    /// the page, confirms with a code) and keeps the seed and recovery codes. Returns the confirmation page.
    /// </summary>
    public async Task<HttpResponseMessage> EnrolTotpAsync(HttpClient? client = null)
    {
        client ??= Client;
        using var begin = await PostFormAsync(client, "/account/security", new Dictionary<string, string>(), "/account/security?handler=begin");
        var secret = TotpSecretField().Match(await begin.Content.ReadAsStringAsync());
        if (!secret.Success) throw new InvalidOperationException($"The enrolment page shows no key (status {(int)begin.StatusCode}).");
        TotpSecret = secret.Groups[1].Value;
        lastTotpStep = 0;
        var confirm = await PostFormAsync(client, "/account/security", new Dictionary<string, string> { ["code"] = NextTotpCode() },
            "/account/security?handler=confirm");
        var html = await confirm.Content.ReadAsStringAsync();
        RecoveryCodes = RecoveryCodeItem().Matches(html).Select(m => m.Groups[1].Value).ToList();
        if (RecoveryCodes.Count == 0) throw new InvalidOperationException($"Confirming the authenticator failed (status {(int)confirm.StatusCode}).");
        return confirm;
    }

    /// <summary>
    /// Logs in to a fully usable session: on the first call the administrator has no second factor yet and enrols one;
    /// later calls answer the second-factor step with the next TOTP code. Returns the last response.
    /// </summary>
    public async Task<HttpResponseMessage> LoginWithTotpAsync(string user = AdminName, string password = AdminPassword, HttpClient? client = null)
    {
        client ??= Client;
        var login = await LoginAsync(client, user, password);
        if (TotpSecret is null)
        {
            login.Dispose();
            return await EnrolTotpAsync(client);
        }
        return await CompleteSecondFactorAsync(login, NextTotpCode(), client);
    }

    /// <summary>Answers the second-factor page that a login redirected to; returns the login response itself when it did not.</summary>
    public async Task<HttpResponseMessage> CompleteSecondFactorAsync(HttpResponseMessage login, string code, HttpClient? client = null)
    {
        var location = login.Headers.Location?.OriginalString;
        if (login.StatusCode != HttpStatusCode.Redirect || location is null || !location.StartsWith("/login/second-factor")) return login;
        login.Dispose();
        return await PostFormAsync(client ?? Client, location, new Dictionary<string, string> { ["code"] = code });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("id=\"totp-secret\">([A-Z2-7]+)</code>")]
    private static partial Regex TotpSecretField();

    [GeneratedRegex("<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>")]
    private static partial Regex RecoveryCodeItem();
}
