using System.Buffers;
using System.IO.Compression;
using System.Text;
using Custos.Core.SecureUse.Web;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Custos.Web.SecureUse.Proxy;

/// <summary>
/// What changes between the browser and the target. Towards the target: the browser's cookies and credentials are
/// dropped, the session's cookies and (Basic) the Authorization header are added, Host, Origin and Referer name the
/// target, and no compression is asked for. Towards the browser: every Set-Cookie goes into the session's jar (so no
/// cookie of the target, for whatever domain, reaches the browser), Location on the target's origin points to the proxy
/// host, and headers and text bodies have the secrets masked. Text bodies are buffered for that up to a limit; a larger
/// one, or one in an unknown encoding, is refused with 502 rather than passed on unscrubbed.
/// </summary>
internal sealed class WebProxyTransformer(WebSession session, string proxyOrigin, int maxScrubbedBytes) : HttpTransformer
{
    private static readonly string[] DroppedRequestHeaders =
    [
        HeaderNames.Cookie, HeaderNames.Authorization, HeaderNames.ProxyAuthorization, HeaderNames.AcceptEncoding, "Forwarded", "X-Forwarded-For",
        "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Real-IP",
    ];

    private static readonly Encoding[] Undeclared = [Encoding.UTF8, Encoding.Latin1];

    /// <summary>Set when the body was refused: the caller answers 502 with Custos's own page.</summary>
    public bool Refused { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var headers = proxyRequest.Headers;
        foreach (var name in DroppedRequestHeaders) headers.Remove(name);
        headers.Host = null; // the destination's own, from the request URI
        var url = RequestUtilities.MakeDestinationAddress(destinationPrefix, httpContext.Request.Path, httpContext.Request.QueryString);
        proxyRequest.RequestUri = url;
        if (session.CookieHeaderFor(url) is { Length: > 0 } cookies) headers.TryAddWithoutValidation(HeaderNames.Cookie, cookies);
        if (session.BasicToken is { } basic) headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", basic);
        // Targets that check Origin or Referer against CSRF see their own origin, as without the proxy.
        if (headers.TryGetValues(HeaderNames.Origin, out var origins) && origins.FirstOrDefault() is { } origin)
        {
            headers.Remove(HeaderNames.Origin);
            headers.TryAddWithoutValidation(HeaderNames.Origin, string.Equals(origin, proxyOrigin, StringComparison.OrdinalIgnoreCase) ? session.Target.Origin : origin);
        }
        if (headers.Referrer is { } referrer && referrer.OriginalString.StartsWith(proxyOrigin + "/", StringComparison.OrdinalIgnoreCase))
            headers.Referrer = new Uri(session.Target.Origin + referrer.OriginalString[proxyOrigin.Length..]);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null) return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        session.StoreCookies(proxyResponse.RequestMessage?.RequestUri ?? session.TargetUri, proxyResponse);
        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        headers.Remove(HeaderNames.SetCookie);
        headers.Remove(HeaderNames.AltSvc);
        headers.StrictTransportSecurity = "max-age=63072000";
        headers.XContentTypeOptions = "nosniff";
        if (!headers.ContainsKey(HeaderNames.XFrameOptions) && !headers.ContainsKey(HeaderNames.ContentSecurityPolicy)) headers.XFrameOptions = "SAMEORIGIN";
        if (!headers.ContainsKey("Referrer-Policy")) headers["Referrer-Policy"] = "same-origin";
        if (headers.Location.ToString() is { Length: > 0 } location) headers.Location = RewriteLocation(location);
        foreach (var (name, values) in headers.ToList())
        {
            var text = values.ToString();
            var scrubbed = session.Scrubber.Scrub(text);
            if (!ReferenceEquals(text, scrubbed) && text != scrubbed) headers[name] = scrubbed;
        }
        if (!IsText(httpContext, proxyResponse)) return true;

        // Text: read whole (bounded), decode the transfer compression, mask, send with the new length.
        var content = proxyResponse.Content;
        if (content.Headers.ContentLength > maxScrubbedBytes) return Refuse(httpContext);
        await using var raw = await content.ReadAsStreamAsync(cancellationToken);
        Stream decoded;
        switch (string.Join(",", content.Headers.ContentEncoding).ToLowerInvariant())
        {
            case "" or "identity": decoded = raw; break;
            case "gzip": decoded = new GZipStream(raw, CompressionMode.Decompress); break;
            case "deflate": decoded = new ZLibStream(raw, CompressionMode.Decompress); break;
            case "br": decoded = new BrotliStream(raw, CompressionMode.Decompress); break;
            default: return Refuse(httpContext);
        }
        using var body = new PooledBody();
        await using (decoded)
        {
            if (!await body.ReadAsync(decoded, maxScrubbedBytes, cancellationToken)) return Refuse(httpContext);
        }
        var masked = session.Scrubber.Scrub(body.Bytes.Span, EncodingsOf(content, body.Bytes.Span));
        headers.Remove(HeaderNames.ContentEncoding);
        headers.Remove(HeaderNames.ContentMD5);
        httpContext.Response.ContentLength = masked?.Length ?? body.Bytes.Length;
        await httpContext.Response.Body.WriteAsync(masked is null ? body.Bytes : masked, cancellationToken);
        return false;
    }

    private bool Refuse(HttpContext httpContext)
    {
        Refused = true;
        return false;
    }

    private string RewriteLocation(string location)
    {
        var target = session.Target.Origin;
        if (location.StartsWith(target, StringComparison.OrdinalIgnoreCase) && (location.Length == target.Length || location[target.Length] is '/' or '?' or '#'))
            return proxyOrigin + location[target.Length..];
        // Scheme-relative (//host:port/path) to the target.
        var schemeless = target[(target.IndexOf("//", StringComparison.Ordinal))..];
        if (location.StartsWith(schemeless, StringComparison.OrdinalIgnoreCase) && (location.Length == schemeless.Length || location[schemeless.Length] is '/' or '?' or '#'))
            return proxyOrigin + location[schemeless.Length..];
        return location;
    }

    /// <summary>Bodies a browser may show or a script may read as text; a missing type counts as text (a browser may sniff it).</summary>
    private static bool IsText(HttpContext httpContext, HttpResponseMessage response)
    {
        if (HttpMethods.IsHead(httpContext.Request.Method) || response.StatusCode is System.Net.HttpStatusCode.NoContent or System.Net.HttpStatusCode.NotModified)
            return false;
        var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
        if (string.IsNullOrEmpty(type)) return response.Content.Headers.ContentLength != 0;
        if (type.StartsWith("text/", StringComparison.Ordinal)) return true;
        var slash = type.IndexOf('/');
        var subtype = slash < 0 ? type : type[(slash + 1)..];
        return subtype.Contains("json", StringComparison.Ordinal) || subtype.Contains("javascript", StringComparison.Ordinal) ||
            subtype.Contains("ecmascript", StringComparison.Ordinal) || subtype.Contains("xml", StringComparison.Ordinal) ||
            subtype.Contains("html", StringComparison.Ordinal) || subtype == "x-www-form-urlencoded" || subtype.Contains("csv", StringComparison.Ordinal) ||
            subtype.Contains("yaml", StringComparison.Ordinal) || type.StartsWith("multipart/", StringComparison.Ordinal);
    }

    /// <summary>The declared character set, else UTF-8 and Latin-1 (and UTF-16 when the body starts with its byte order mark).</summary>
    private static IReadOnlyList<Encoding> EncodingsOf(HttpContent content, ReadOnlySpan<byte> body)
    {
        var list = new List<Encoding>(3);
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                list.Add(Encoding.GetEncoding(charset.Trim('"')));
            }
            catch (ArgumentException)
            {
                // Unknown: the undeclared set below.
            }
        }
        if (body is [0xFF, 0xFE, ..]) list.Add(Encoding.Unicode);
        if (body is [0xFE, 0xFF, ..]) list.Add(Encoding.BigEndianUnicode);
        if (list.Count == 0 || list[0].CodePage is not (65001 or 20127)) list.AddRange(Undeclared);
        else if (list[0].CodePage == 20127) list[0] = Encoding.UTF8;
        return list.DistinctBy(e => e.CodePage).ToList();
    }

    /// <summary>A body read whole into a pooled buffer, cleared before it goes back (it held the target's page).</summary>
    private sealed class PooledBody : IDisposable
    {
        private byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        private int length;

        public ReadOnlyMemory<byte> Bytes => buffer.AsMemory(0, length);

        /// <summary>Reads the stream to its end; false when it holds more than <paramref name="limit"/> bytes.</summary>
        public async Task<bool> ReadAsync(Stream stream, int limit, CancellationToken ct)
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > limit) return false;
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Release();
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) return true;
                length += read;
                if (length > limit) return false;
            }
        }

        public void Dispose()
        {
            Release();
            buffer = [];
            length = 0;
        }

        private void Release()
        {
            if (buffer.Length == 0) return;
            buffer.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
