using System.Net;
using Custos.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Security;

/// <summary>Deny by default: every route of the host needs a logged-in user unless it is on this short public list.</summary>
public sealed class RouteAuthorizationTests
{
    private static readonly string[] PublicRoutes =
    [
        "/healthz", "/readyz", "/login", "/setup/{token}", "/culture", "/api/v1/password-strength",
        // Share links: the recipient has no account; the token (and the link's password) is the authorisation.
        "/s/{token}", "/s/{token}/files/{item:guid}", "/u/{token}", "/u/{token}/files",
    ];

    private static List<RouteEndpoint> Endpoints(TestServer server) =>
        server.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static string Route(RouteEndpoint e) => "/" + e.RoutePattern.RawText!.TrimStart('/');

    [Fact]
    public async Task EveryRoute_NotOnPublicList_RequiresAuthorization()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);

        var endpoints = Endpoints(server);

        Assert.NotEmpty(endpoints);
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(Route).Distinct().ToList();
        Assert.All(anonymous, route => Assert.Contains(route, PublicRoutes));
        // Everything else falls to the fallback policy (authenticated user) or names a stricter one.
        var policy = server.Host.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        Assert.NotNull(await policy.GetFallbackPolicyAsync());
    }

    [Fact]
    public async Task EveryProtectedRoute_Anonymous_IsTurnedAway()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);

        var protectedRoutes = Endpoints(server)
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => (Route: Route(e), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]))
            .ToList();

        Assert.Contains(protectedRoutes, r => r.Route == "/audit");
        foreach (var (route, methods) in protectedRoutes)
        {
            var path = route.Replace("{token}", "x").Replace("{id}", Guid.NewGuid().ToString());
            foreach (var method in RouteMethods.Sendable(methods))
            {
                using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                var status = response.StatusCode;
                var sentToLogin = status == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.StartsWith("/login");
                Assert.True(sentToLogin || status == HttpStatusCode.Unauthorized,
                    $"{method} {path} answered {(int)status} to an anonymous request.");
            }
        }
    }
}
