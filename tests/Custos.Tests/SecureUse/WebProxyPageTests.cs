using System.Net;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;

namespace Custos.Tests.SecureUse;

/// <summary>The entry page offers web entries "Open through Custos" to Use holders: the form opens a session and sends the browser to its launch link.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WebProxyPageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WebProxy_EntryPage_OpensSessionAndRedirectsToLaunchLink(string kind)
    {
        var password = VaultTestSetup.NewSecret("page");
        await using var nginx = await NginxTestServer.StartAsync(password);
        await using var v = await WebProxyTests.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var entry = await carol.CreateEntryAsync(await carol.CreateFolderAsync("Kunde A"), "nginx", password, WebProxyTests.BasicEntry(nginx));
        var (dave, _) = await v.BrowserSessionAsync("dave");
        var page = $"/vault/{tenant}/entries/{entry}";

        var html = await dave.GetStringAsync(page);
        Assert.Contains("id=\"open-web\"", html);
        Assert.Contains(nginx.Origin, html);
        Assert.DoesNotContain(password, html);

        using var opened = await TestServer.PostFormAsync(dave, page, new Dictionary<string, string> { ["reason"] = "TICKET-3" }, page + "?handler=OpenWeb");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var launch = opened.Headers.Location!.ToString();
        Assert.Matches($"^https://[a-z2-7]{{26}}\\.{WebProxyTests.ProxyDomain.Replace(".", "\\.")}:{v.Server.Options.HttpsPort}/\\.custos/launch\\?code=", launch);
        using var browser = new WebProxyBrowser(v.Server.Options.HttpsPort);
        var (_, landing) = await browser.LaunchAsync(launch);
        Assert.Contains(NginxTestServer.PageMarker, landing.AssertOk().Body);

    }
}
