using System.Net;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// The target's cookies, kept server-side in the session's jar and never passed to the browser. The jar takes a cookie
/// only for the target's own host (a Domain of the proxy's parent domain or of Custos's host is refused by it).
/// </summary>
public static class WebCookies
{
    /// <summary>Moves every Set-Cookie of the response into the jar and removes it from the response; returns how many were refused.</summary>
    public static int Store(CookieContainer jar, Uri url, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values)) return 0;
        var refused = 0;
        foreach (var value in values)
        {
            try
            {
                jar.SetCookies(url, value);
            }
            catch (CookieException)
            {
                refused++;
            }
        }
        response.Headers.Remove("Set-Cookie");
        return refused;
    }
}
