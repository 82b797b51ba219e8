using System.Net;
using System.Net.WebSockets;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;

namespace Custos.Tests.SecureUse;

/// <summary>
/// A browser sends its session cookie with any site's WebSocket: another site must not open a terminal with it (cross-site
/// WebSocket hijacking). Only Custos's own pages may; a bearer token carries no such ambient authority.
/// </summary>
public sealed class SshShellOriginTests
{
    [Fact]
    public async Task CookieSession_OpensShellsFromOwnPagesOnly()
    {
        await using var v = await VaultTestSetup.StartAsync("sqlite");
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Server");
        // Nothing listens on port 1: a request that gets past the origin check fails later, at the connection.
        var entry = await carol.CreateEntryAsync(folder, "gone", VaultTestSetup.NewSecret(), new
        {
            serviceLimitation = "Testserver", userName = "root", urls = new[] { "ssh://127.0.0.1:1" },
        });
        var browser = v.Server.NewBrowser(out var cookies);
        using (var login = await TestServer.LoginAsync(browser, "dave", VaultTestSetup.UserPassword))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var own = v.Server.HttpsUrl.GetLeftPart(UriPartial.Authority);

        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(v, cookies, tenant, entry, origin: "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(v, cookies, tenant, entry, origin: own.Replace("https://", "http://")));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(v, cookies, tenant, entry, origin: null));
        Assert.Equal(HttpStatusCode.BadGateway, await HandshakeAsync(v, cookies, tenant, entry, origin: own));
        browser.Dispose();
    }

    /// <summary>The status the server answered the WebSocket handshake with.</summary>
    private static async Task<HttpStatusCode> HandshakeAsync(VaultTestSetup v, CookieContainer cookies, Guid tenant, Guid entry, string? origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        var url = new UriBuilder(v.Server.HttpsUrl) { Scheme = "wss", Path = $"/api/v1/tenants/{tenant}/vault/entries/{entry}/ssh/shell" };
        try
        {
            await socket.ConnectAsync(url.Uri, CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }
}
