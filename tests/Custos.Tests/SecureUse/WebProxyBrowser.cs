using System.Net;
using System.Net.Sockets;
using System.Text;
using Custos.Tests.Vault;

namespace Custos.Tests.SecureUse;

/// <summary>
/// A browser on the proxy hosts ({label}.proxy.test): every name resolves to Custos's loopback port, cookies are kept
/// as a browser keeps them, redirects are not followed. Everything it ever received (headers and bodies) is kept, so a
/// test can show that no secret and no target cookie reached it.
/// </summary>
public sealed class WebProxyBrowser : IDisposable
{
    private readonly StringBuilder seen = new();
    private readonly List<string> setCookies = [];

    public WebProxyBrowser(int custosPort)
    {
        Http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, custosPort, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            // Custos's self-signed certificate; the name check is the TLS tests' business.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });
    }

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    /// <summary>Every Set-Cookie header this browser was sent.</summary>
    public IReadOnlyList<string> SetCookies => setCookies;
    public string Seen => seen.ToString();

    public async Task<Reply> SendAsync(HttpMethod method, string url, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var reply = await Reply.Of(await Http.SendAsync(request));
        seen.AppendLine($"{(int)reply.Status} {url}");
        foreach (var (name, values) in reply.Response.Headers.Concat(reply.Response.Content.Headers))
            foreach (var value in values)
            {
                seen.AppendLine($"{name}: {value}");
                if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)) setCookies.Add(value);
            }
        seen.AppendLine(reply.Body);
        return reply;
    }

    public Task<Reply> GetAsync(string url, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Get, url, null, headers);

    /// <summary>Opens the launch link as a browser would after Custos's redirect: the link, then where it sends the browser.</summary>
    public async Task<(Reply Launch, Reply Landing)> LaunchAsync(string launchUrl)
    {
        var launch = await GetAsync(launchUrl, ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"));
        Assert.True(launch.Status == HttpStatusCode.Redirect, $"launch: {launch}");
        var next = new Uri(new Uri(launchUrl), launch.Response.Headers.Location!);
        return (launch, await GetAsync(next.ToString(), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document")));
    }

    public void Dispose() => Http.Dispose();
}
