namespace Custos.Web.Sharing.Public;

/// <summary>
/// The one answer for every token that cannot be used (unknown, malformed, expired, revoked, locked, used up, of a
/// disabled sender): the same status and the same bytes, in both languages, so nothing tells the cases apart.
/// </summary>
public static class PublicPages
{
    public const string UnavailableHtml =
        "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<meta name=\"robots\" content=\"noindex\"><title>Custos</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head><body><main id=\"main\" class=\"public\">" +
        "<h1>Link nicht verfügbar</h1><p id=\"share-unavailable\">Dieser Link existiert nicht oder ist abgelaufen.</p>" +
        "<h1 lang=\"en\">Link not available</h1><p lang=\"en\">This link does not exist or has ended.</p></main></body></html>";

    public static async Task UnavailableAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(UnavailableHtml);
    }

    public static IResult Unavailable() => Results.Content(UnavailableHtml, "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
}
