using System.Net;
using Custos.Web.Transport;

namespace Custos.Web.SecureUse.Proxy;

/// <summary>
/// Custos's own answers on a proxy host, when it forwards nothing: a small page in German and English with Custos's
/// strict headers, never the target's content and never a detail of the session.
/// </summary>
internal static class WebProxyPages
{
    public static Task WriteAsync(HttpContext context, int status, string german, string english)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        response.Headers.ContentSecurityPolicy = TransportSecurityMiddleware.ContentSecurityPolicy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.StrictTransportSecurity = "max-age=63072000";
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!DOCTYPE html>
            <html lang="de"><head><meta charset="utf-8"><title>Custos</title></head>
            <body><h1>Custos</h1><p>{WebUtility.HtmlEncode(german)}</p><p lang="en">{WebUtility.HtmlEncode(english)}</p></body></html>
            """;
        return response.WriteAsync(html);
    }

    public static Task NoSessionAsync(HttpContext context) => WriteAsync(context, 404,
        "Hier läuft keine Websitzung (mehr). Öffnen Sie den Eintrag erneut in Custos.",
        "There is no web session here (any more). Open the entry again in Custos.");

    public static Task NotYoursAsync(HttpContext context) => WriteAsync(context, 403,
        "Diese Websitzung gehört einem anderen Browser, oder ihr Startlink wurde schon benutzt oder ist abgelaufen. Öffnen Sie den Eintrag erneut in Custos.",
        "This web session belongs to another browser, or its launch link was used already or has expired. Open the entry again in Custos.");

    public static Task CrossSiteAsync(HttpContext context) => WriteAsync(context, 403,
        "Anfragen anderer Websites an diese Sitzung werden abgewiesen.",
        "Requests from other sites to this session are refused.");

    public static Task EndedAsync(HttpContext context, string reason) => WriteAsync(context, 403,
        reason switch
        {
            "idle" => "Die Websitzung wurde wegen Untätigkeit beendet.",
            "timeout" => "Die Websitzung hat ihre Höchstdauer erreicht und wurde beendet.",
            "closed" => "Die Websitzung wurde beendet.",
            _ => "Die Websitzung ist beendet.",
        },
        reason switch
        {
            "idle" => "The web session was ended after a period without activity.",
            "timeout" => "The web session reached its maximum length and was ended.",
            "closed" => "The web session was closed.",
            _ => "The web session has ended.",
        });

    public static Task BadGatewayAsync(HttpContext context) => WriteAsync(context, 502,
        "Das Ziel hat nicht oder nicht verwendbar geantwortet.",
        "The target did not answer, or its answer cannot be passed on.");
}
