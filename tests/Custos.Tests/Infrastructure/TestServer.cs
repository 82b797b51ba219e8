using System.Net;
using System.Text.RegularExpressions;
using Custos.Core.Identity;
using Custos.Web;
using Microsoft.Extensions.Time.Testing;

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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
