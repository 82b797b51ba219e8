using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OtpNet;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// A small web application with a form login, as the web proxy meets them: GET /login shows the form (with a hidden
/// CSRF field and a pre-login cookie that must come back); POST /login checks user name, password and a TOTP code on the
/// test's clock. A failed login re-renders the form with the submitted password as the field's value (the echo a proxy
/// must scrub); a good one sets a session cookie, plus cookies for the proxy's parent domain and for Custos's host (which
/// no browser may ever receive). Behind the login: /secret, /account (the password echoed in a form), /api/me (in
/// JSON), /go-away (an absolute redirect to itself) and POST /echo.
/// </summary>
public sealed class FormLoginTarget : IAsyncDisposable
{
    public const string SecretMarker = "Geheimer Bereich";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, string> sessions = new();
    private readonly ConcurrentDictionary<string, string> pending = new();

    private FormLoginTarget(WebApplication app, int port, string userName, string password, string totpSeed)
    {
        this.app = app;
        Port = port;
        UserName = userName;
        Password = password;
        TotpSeed = totpSeed;
    }

    public int Port { get; }
    public string Origin => $"http://127.0.0.1:{Port}";
    public string UserName { get; }
    public string Password { get; }
    /// <summary>Base32, as the entry's TOTP field holds it.</summary>
    public string TotpSeed { get; }
    public int SuccessfulLogins;
    public int FailedLogins;

    public static async Task<FormLoginTarget> StartAsync(string userName, string password, TimeProvider time, string parentDomain = "proxy.test",
        string custosHost = "localhost")
    {
        var seed = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var target = new FormLoginTarget(app, port, userName, password, seed);
        target.Map(time, parentDomain, custosHost);
        await app.StartAsync();
        return target;
    }

    private void Map(TimeProvider time, string parentDomain, string custosHost)
    {
        app.MapGet("/login", (HttpContext http) => LoginForm(http, null));
        app.MapPost("/login", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var csrf = form["csrf"].ToString();
            var pre = http.Request.Cookies["pre"];
            var totp = new Totp(Base32Encoding.ToBytes(TotpSeed));
            var goodCode = totp.VerifyTotp(time.GetUtcNow().UtcDateTime, form["otp"].ToString(), out _, new VerificationWindow(1, 1));
            if (pre is null || !pending.TryRemove(pre, out var expected) || expected != csrf || form["user"] != UserName || form["pass"] != Password || !goodCode)
            {
                Interlocked.Increment(ref FailedLogins);
                return LoginForm(http, form["pass"].ToString());
            }
            Interlocked.Increment(ref SuccessfulLogins);
            var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            sessions[id] = UserName;
            http.Response.Cookies.Append("app_session", id, new CookieOptions { HttpOnly = true, Path = "/" });
            return Results.Redirect("/secret");
        });
        app.MapGet("/secret", (HttpContext http) => Authenticated(http, user =>
        {
            // Cookies a target must never get into the user's browser: for the proxy's parent domain and for Custos's host.
            http.Response.Headers.Append("Set-Cookie", $"parent_cookie=evil; Domain={parentDomain}; Path=/");
            http.Response.Headers.Append("Set-Cookie", $"custos_cookie=evil; Domain={custosHost}; Path=/");
            http.Response.Headers.Append("Set-Cookie", "tracking=1; Path=/");
            return Html($"<h1>{SecretMarker}</h1><p>Willkommen, {HtmlEncoder.Default.Encode(user)}.</p>");
        }));
        app.MapGet("/account", (HttpContext http) => Authenticated(http, _ => Html($"""
            <h1>Konto</h1>
            <form method="post" action="/account"><input type="password" name="pass" value="{HtmlEncoder.Default.Encode(Password)}">
            <input type="text" name="plain" value="{WebUtility.HtmlEncode(Password)}"></form>
            <a href="/reset?old={Uri.EscapeDataString(Password)}">reset</a>
            <script>var current = {JsonSerializer.Serialize(Password)};</script>
            """)));
        app.MapGet("/api/me", (HttpContext http) => Authenticated(http, user => Results.Json(new { user, password = Password })));
        app.MapGet("/go-away", (HttpContext http) => Authenticated(http, _ => Results.Redirect($"{Origin}/secret?from=away")));
        app.MapPost("/echo", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            return Authenticated(http, _ => Html($"<p id=\"echo\">{HtmlEncoder.Default.Encode(form["text"].ToString())}</p>"));
        });
    }

    private IResult LoginForm(HttpContext http, string? echoedPassword)
    {
        var pre = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var csrf = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        pending[pre] = csrf;
        http.Response.Cookies.Append("pre", pre, new CookieOptions { HttpOnly = true, Path = "/" });
        var value = echoedPassword is null ? "" : $" value=\"{HtmlEncoder.Default.Encode(echoedPassword)}\"";
        return Html($"""
            <h1>Anmeldung</h1>{(echoedPassword is null ? "" : "<p class=\"error\">Anmeldung fehlgeschlagen.</p>")}
            <form method="post" action="/login">
              <input type="hidden" name="csrf" value="{csrf}">
              <input type="text" name="user"><input type="password" name="pass"{value}><input type="text" name="otp">
              <button type="submit">Anmelden</button>
            </form>
            """);
    }

    private IResult Authenticated(HttpContext http, Func<string, IResult> page) =>
        http.Request.Cookies["app_session"] is { } id && sessions.TryGetValue(id, out var user) ? page(user) : Results.Redirect("/login");

    private static IResult Html(string body) =>
        Results.Content($"<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Ziel</title></head><body>{body}</body></html>", "text/html; charset=utf-8");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
