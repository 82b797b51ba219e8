using System.Net;
using Custos.Core.SecureUse.Web;
using Yarp.ReverseProxy.Forwarder;

namespace Custos.Web.SecureUse.Proxy;

/// <summary>
/// Takes every request for a proxy host ({label}.{proxy domain}) before Custos's own pipeline, so that Custos's pages
/// and API never answer there and proxied content never appears on Custos's host. A request reaches the target only
/// with the session's cookie (set by the one-time launch link), within the session's policy, and not from another
/// site (fetch metadata: other sites, the other proxy hosts included, may only navigate to a page).
/// </summary>
public sealed class WebProxyMiddleware(RequestDelegate next, WebSessions sessions, IHttpForwarder forwarder)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromSeconds(100),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public Task InvokeAsync(HttpContext context)
    {
        if (sessions.Options.Domain is not { } domain || !WebProxyHosts.IsProxyHost(context.Request.Host.Host, domain, out var label)) return next(context);
        return ProxyAsync(context, label);
    }

    private async Task ProxyAsync(HttpContext context, string? label)
    {
        // The headers Custos set for its own pages do not fit the target's; proxied responses get theirs (the transformer).
        context.Response.Headers.Clear();
        var request = context.Request;
        if (label is null || sessions.Find(label) is not { } session)
        {
            await WebProxyPages.NoSessionAsync(context);
            return;
        }
        if (request.Path.Equals(WebProxyHosts.LaunchPath, StringComparison.Ordinal) && HttpMethods.IsGet(request.Method))
        {
            await LaunchAsync(context, session);
            return;
        }
        if (!session.Admits(request.Cookies[WebProxyHosts.CookieName]))
        {
            await WebProxyPages.NotYoursAsync(context);
            return;
        }
        if (!FromThisSite(context, ProxyOrigin(context)))
        {
            await WebProxyPages.CrossSiteAsync(context);
            return;
        }
        if (await sessions.ActivityAsync(session) is { } ended)
        {
            await WebProxyPages.EndedAsync(context, ended);
            return;
        }
        if (request.Path.StartsWithSegments("/.custos", StringComparison.Ordinal))
        {
            // Custos's own paths on the proxy host; the target's paths of that name are out of reach.
            if (request.Path.Equals(WebProxyHosts.EndPath, StringComparison.Ordinal) && HttpMethods.IsPost(request.Method))
            {
                await sessions.CloseAsync(session);
                await WebProxyPages.EndedAsync(context, "closed");
            }
            else await WebProxyPages.NoSessionAsync(context);
            return;
        }
        // Upgraded connections (WebSockets) carry frames that cannot be scrubbed; they are refused rather than passed unscrubbed.
        if (request.Headers.Upgrade.Count > 0 || HttpMethods.IsConnect(request.Method))
        {
            await WebProxyPages.WriteAsync(context, 501, "WebSocket-Verbindungen werden nicht durchgereicht.", "WebSocket connections are not passed through.");
            return;
        }
        await ForwardAsync(context, session);
    }

    private async Task ForwardAsync(HttpContext context, WebSession session)
    {
        var response = context.Response;
        var original = response.Body;
        var counted = new CountingStream(original);
        response.Body = counted;
        var transformer = new WebProxyTransformer(session, ProxyOrigin(context), sessions.Options.MaxScrubbedBodyBytes);
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(context, session.Target.Origin, sessions.Invoker, RequestConfig, transformer, context.RequestAborted);
        }
        finally
        {
            response.Body = original;
        }
        if ((transformer.Refused || error != ForwarderError.None) && !response.HasStarted) await WebProxyPages.BadGatewayAsync(context);
        await sessions.RecordRequestAsync(session, context.Request.Method, context.Request.Path.Value ?? "/", response.StatusCode, counted.Written,
            CancellationToken.None);
    }

    /// <summary>The one-time launch link: sets the session's cookie in this browser and goes on to the target's start page.</summary>
    private async Task LaunchAsync(HttpContext context, WebSession session)
    {
        if (sessions.Launch(session, context.Request.Query["code"]) is not { } secret)
        {
            await WebProxyPages.NotYoursAsync(context);
            return;
        }
        context.Response.Cookies.Append(WebProxyHosts.CookieName, secret, new CookieOptions
        {
            Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true,
        });
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.StrictTransportSecurity = "max-age=63072000";
        context.Response.Redirect(session.Target.StartPath);
    }

    /// <summary>
    /// Same-origin requests and the user's own navigations pass; a request another site makes (another proxy host is
    /// "same-site") passes only as a top-level GET navigation, so no other page can act in this session. Browsers
    /// without fetch metadata are held to the Origin header on changes.
    /// </summary>
    private static bool FromThisSite(HttpContext context, string proxyOrigin)
    {
        var request = context.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length == 0)
        {
            var origin = request.Headers.Origin.ToString();
            return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || origin.Length == 0 ||
                string.Equals(origin, proxyOrigin, StringComparison.OrdinalIgnoreCase);
        }
        if (site is "same-origin" or "none") return true;
        return HttpMethods.IsGet(request.Method) && request.Headers["Sec-Fetch-Mode"] == "navigate" &&
            request.Headers["Sec-Fetch-Dest"].ToString() is "document" or "";
    }

    private static string ProxyOrigin(HttpContext context) => $"https://{context.Request.Host.Value ?? ""}";

    /// <summary>Counts what reaches the browser, for the request log.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
