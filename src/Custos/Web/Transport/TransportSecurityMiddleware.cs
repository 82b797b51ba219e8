namespace Custos.Web.Transport;

/// <summary>
/// Plain HTTP gets a permanent redirect to HTTPS and nothing else (no body, no content); every HTTPS response gets the
/// headers that keep browsers strict: HSTS, a CSP without inline script, no sniffing, no referrer, no framing.
/// </summary>
public sealed class TransportSecurityMiddleware(RequestDelegate next, int httpsPort)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.IsHttps)
        {
            var host = context.Request.Host.Host;
            if (string.IsNullOrEmpty(host)) host = "localhost";
            var port = httpsPort == 443 ? "" : $":{httpsPort}";
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location =
                $"https://{host}{port}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
            return Task.CompletedTask;
        }

        var headers = context.Response.Headers;
        headers.StrictTransportSecurity = "max-age=63072000; includeSubDomains";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        return next(context);
    }
}
