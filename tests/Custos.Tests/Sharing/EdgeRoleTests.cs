using System.Net;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Custos.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Sharing;

/// <summary>
/// The public part runs alone (TOM 6.15, 11.1): an edge instance on the same database serves the share and upload
/// pages and nothing else; an internal instance serves everything but them.
/// </summary>
public sealed class EdgeRoleTests
{
    [Fact]
    public async Task AnEdgeInstance_ServesOnlyThePublicPages_AndAnInternalOneEverythingButThem()
    {
        await using var s = await ShareTestSetup.StartAsync(TestDatabase.Sqlite, o => o with { Role = ServerRole.Internal });
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Extern");
        var content = DocumentTestSetup.RandomContent(20_000);
        var document = await carol.Docs.UploadOkAsync(folder, "Extern.dat", content);
        var link = await carol.ShareAsync(new { documents = new[] { new { documentId = document } } });
        var request = await carol.RequestAsync(new { folderId = folder });

        // The internal instance does not answer the public pages.
        using (var insider = s.NewRecipient())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await insider.GetAsync(link.Path)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await insider.GetAsync(request.Path)).Status);
        }

        await using var edge = await TestServer.StartAsync(s.Server.Db, o => o with { Role = ServerRole.Edge });
        Assert.Null(edge.SetupPath);
        using var browser = edge.NewBrowser(out _);
        var recipient = new ShareTestSetup.Recipient(browser);
        Assert.Contains("share-password-form", (await recipient.GetAsync(link.Path)).AssertOk().Body);
        await recipient.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await recipient.FilesAsync(link.Path));
        Assert.Equal(content, (await recipient.GetAsync(file.Path)).AssertOk().Bytes);
        (await recipient.GetAsync(request.Path)).AssertOk();
        (await recipient.GetAsync("/css/site.css")).AssertOk();

        // Every other route of the application, whatever its method: 404 on the edge.
        var routes = edge.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().ToList();
        Assert.Contains(routes, r => r.StartsWith("/api/v1/tenants/{tenant:guid}/shares", StringComparison.Ordinal));
        var probed = 0;
        foreach (var route in routes.Where(r => !r.StartsWith("/s/", StringComparison.Ordinal) && !r.StartsWith("/u/", StringComparison.Ordinal)))
        {
            var path = Fill(route);
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var message = new HttpRequestMessage(method, path);
                if (method == HttpMethod.Post) message.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var reply = await browser.SendAsync(message);
                Assert.True(reply.StatusCode == HttpStatusCode.NotFound, $"{method} {path} on the edge: {(int)reply.StatusCode}");
                probed++;
            }
        }
        Assert.True(probed > 100, $"only {probed} probes");
        foreach (var path in new[] { "/", "/login", "/setup/x", "/admin/users", "/vault", "/documents", "/api/v1/tenants", "/openapi/v1.json", "/health", "/js/vault.js" })
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(path)).StatusCode);
    }

    /// <summary>A concrete path for a route pattern: ids for guid parameters, a word for the rest.</summary>
    private static string Fill(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:=?*]+)[^}]*\}", m => m.Value.Contains(":guid") ? Guid.NewGuid().ToString() : "x");
}
