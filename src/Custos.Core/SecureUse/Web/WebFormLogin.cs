using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Custos.Core.Common;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// A form login done by Custos, server-side: GET the login page (its cookies, and the hidden fields of the form that has
/// the password field, such as a CSRF token), POST that form urlencoded with user name, password and TOTP code, and
/// follow redirects on the target's origin only. The target's cookies end in the session's jar. The login counts as
/// failed when the target answers with an error or shows the password field again.
/// </summary>
internal static partial class WebFormLogin
{
    private const int MaxRedirects = 10;
    private const int MaxPageBytes = 2 * 1024 * 1024;

    public static async Task<Result<bool>> RunAsync(HttpMessageInvoker http, WebTarget target, WebCredential credential, CookieContainer jar,
        TimeProvider time, CancellationToken ct)
    {
        try
        {
            var page = await SendAsync(http, HttpMethod.Get, target.LoginUrl, null, target, jar, ct);
            if (page.Status >= 400) return WebErrors.LoginFailed;
            var form = FindForm(page.Body, target.PasswordField);
            var fields = new List<KeyValuePair<string, string>>();
            var action = page.Url;
            if (form is not null)
            {
                if (form.Groups["action"].Success && Uri.TryCreate(page.Url, WebUtility.HtmlDecode(form.Groups["action"].Value), out var resolved)) action = resolved;
                foreach (Match input in InputTag().Matches(form.Value))
                {
                    var tag = input.Value;
                    if (Attribute(tag, "type")?.Equals("hidden", StringComparison.OrdinalIgnoreCase) != true || Attribute(tag, "name") is not { } name) continue;
                    if (name == target.UserNameField || name == target.PasswordField || name == target.TotpField) continue;
                    fields.Add(new(name, Attribute(tag, "value") ?? ""));
                }
            }
            // The credential goes to the entry's origin only, whatever the page's form says.
            if (!SameOrigin(action, target)) return WebErrors.LoginFailed;
            fields.Add(new(target.UserNameField, credential.UserName));
            fields.Add(new(target.PasswordField, credential.Password));
            if (target.TotpField is not null) fields.Add(new(target.TotpField, credential.TotpCode(time.GetUtcNow())!));
            var done = await SendAsync(http, HttpMethod.Post, action, fields, target, jar, ct, page.Url);
            if (done.Status >= 400 || FindForm(done.Body, target.PasswordField) is not null) return WebErrors.LoginFailed;
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return WebErrors.Unreachable;
        }
    }

    private sealed record Page(int Status, Uri Url, string Body);

    /// <summary>One request and the redirects after it (a POST answered by a redirect continues as a GET, as browsers do).</summary>
    private static async Task<Page> SendAsync(HttpMessageInvoker http, HttpMethod method, Uri url, List<KeyValuePair<string, string>>? form,
        WebTarget target, CookieContainer jar, CancellationToken ct, Uri? referrer = null)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (form is not null && method == HttpMethod.Post)
            {
                request.Content = new FormUrlEncodedContent(form);
                request.Headers.TryAddWithoutValidation("Origin", target.Origin);
            }
            if (referrer is not null) request.Headers.Referrer = referrer;
            if (jar.GetCookieHeader(url) is { Length: > 0 } cookies) request.Headers.TryAddWithoutValidation("Cookie", cookies);
            using var response = await http.SendAsync(request, ct);
            WebCookies.Store(jar, url, response);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && hop < MaxRedirects && response.Headers.Location is { } location &&
                Uri.TryCreate(url, location, out var next) && SameOrigin(next, target))
            {
                if (status is 301 or 302 or 303) (method, form) = (HttpMethod.Get, null);
                referrer = url;
                url = next;
                continue;
            }
            return new Page(status, url, await ReadBoundedAsync(response.Content, ct));
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxPageBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static bool SameOrigin(Uri url, WebTarget target) => url.GetLeftPart(UriPartial.Authority) == target.Origin;

    /// <summary>The first form that has an input named like the password field.</summary>
    private static Match? FindForm(string html, string passwordField)
    {
        foreach (Match form in FormTag().Matches(html))
            foreach (Match input in InputTag().Matches(form.Value))
                if (Attribute(input.Value, "name") == passwordField) return form;
        return null;
    }

    private static string? Attribute(string tag, string name)
    {
        foreach (Match a in AttributePattern().Matches(tag))
            if (a.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
                return WebUtility.HtmlDecode(a.Groups["dq"].Success ? a.Groups["dq"].Value : a.Groups["sq"].Success ? a.Groups["sq"].Value : a.Groups["bare"].Value);
        return null;
    }

    [GeneratedRegex("""<form\b(?:[^>]*?\baction\s*=\s*["']?(?<action>[^"'\s>]*))?[^>]*>.*?</form\s*>""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FormTag();

    [GeneratedRegex("""<input\b[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("""(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"(?<dq>[^"]*)"|'(?<sq>[^']*)'|(?<bare>[^\s"'>]+))""")]
    private static partial Regex AttributePattern();
}
