namespace Custos.Web.Sharing;

/// <summary>
/// Splits the public part from the rest (TOM 6.15, 11.1): an edge instance answers only the public share and upload
/// pages (/s/…, /u/…) and the two static files they use; everything else, the API, login, administration and vault
/// included, is 404 there. An internal instance answers 404 for the public pages. Decided on the path before anything
/// else runs, so no handler of the other part is ever reached.
/// </summary>
public sealed class ServerRoleMiddleware(RequestDelegate next, ServerRole role)
{
    private static readonly HashSet<string> PublicAssets = new(StringComparer.Ordinal) { "/css/site.css", "/favicon.svg" };

    public static bool IsPublic(PathString path) =>
        path.StartsWithSegments("/s", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/u", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Public pages are never cached, indexed or named as a referrer (the token is in their URL). "no-cache" as well as
    /// "no-store": the anti-forgery token of the password form demands it, and would otherwise log a warning on every view.
    /// </summary>
    private static void PublicHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var allowed = role switch
        {
            ServerRole.Edge => IsPublic(path) || PublicAssets.Contains(path.Value ?? ""),
            ServerRole.Internal => !IsPublic(path),
            _ => true,
        };
        if (allowed)
        {
            if (IsPublic(path)) PublicHeaders(context.Response);
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
