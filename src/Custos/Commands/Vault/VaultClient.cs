using System.Net.WebSockets;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Commands.Remote;

namespace Custos.Commands.Vault;

/// <summary>
/// The server's JSON API as the command line uses it: the token as bearer, "cli" as client label (for the reveal
/// records), and every refusal turned into one line for the operator (a <see cref="CommandException"/>).
/// </summary>
internal sealed class VaultClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient http;
    private readonly ServerTrust trust;
    private readonly string token;

    public VaultClient(Uri server, string token, ServerTrust trust)
    {
        Server = server;
        this.trust = trust;
        this.token = token;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = trust.Validate },
        };
        // Imports of large files and KeePass key derivation take a while on the server.
        http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Add("X-Custos-Client", "cli");
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Uri Server { get; }

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is HttpContent content) request.Content = content;
        else if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await SendRawAsync(request, ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>A file the server sends (an export), with its headers.</summary>
    public async Task<(byte[] Content, HttpResponseHeaders Headers)> DownloadAsync(string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        using var response = await SendRawAsync(request, ct);
        return (await response.Content.ReadAsByteArrayAsync(ct), response.Headers);
    }

    /// <summary>A file the server sends on a GET (an attachment).</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendRawAsync(request, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>Streams what a GET answers into <paramref name="destination"/> (a file transfer); returns the bytes copied.</summary>
    public async Task<long> DownloadToAsync(string path, Stream destination, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendRawAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var before = destination.Position;
        await body.CopyToAsync(destination, ct);
        if (response.Content.Headers.ContentLength is { } expected && destination.Position - before != expected)
            throw new CommandException($"The transfer broke off after {destination.Position - before:N0} of {expected:N0} bytes.");
        return destination.Position - before;
    }

    /// <summary>A WebSocket to the server (an SSH session), authenticated and trusted as every request is.</summary>
    public async Task<ClientWebSocket> OpenWebSocketAsync(string pathAndQuery, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.SetRequestHeader("X-Custos-Client", "cli");
        socket.Options.RemoteCertificateValidationCallback = trust.Validate;
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        var url = new Uri(Server, pathAndQuery);
        url = new UriBuilder(url) { Scheme = url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(url, ct);
            return socket;
        }
        catch (WebSocketException e) when (e.InnerException is HttpRequestException { InnerException: AuthenticationException })
        {
            socket.Dispose();
            throw new CommandException(trust.Failure ?? $"TLS with {Server} failed.");
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw new CommandException($"Cannot open a session through the Custos server at {Server}: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new CommandException(trust.Failure ?? $"TLS with {Server} failed: {e.InnerException.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new CommandException($"Cannot reach the Custos server at {Server}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CommandException($"The Custos server at {Server} did not answer in time.");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw new CommandException(await ErrorOfAsync(response, ct));
    }

    private Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) => RemoteProblems.ReadAsync<T>(response, Json, Server, ct);

    private Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct) => RemoteProblems.DescribeAsync(response, Server, new(
        Forbidden: "The server refused: your user, or this token's scopes, may not do this.",
        StepUp: "This is in a sensitive tenant or folder: it needs a confirmation with your security key, which only the web interface can give."), ct);

    public void Dispose() => http.Dispose();
}
