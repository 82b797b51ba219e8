using System.Net;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// The one HTTP client to web targets, shared by all sessions: cookies are not kept here (each session has its own jar
/// and adds its cookies itself), redirects are not followed (the browser follows them through the proxy), bodies are not
/// decompressed (the proxy asks for none), and no system proxy is used. Targets' certificates are validated as usual.
/// </summary>
public sealed class WebTransport : IDisposable
{
    public WebTransport()
    {
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
        });
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
