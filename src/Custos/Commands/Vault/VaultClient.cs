using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization;

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

    public VaultClient(Uri server, string token, ServerTrust trust)
    {
        Server = server;
        this.trust = trust;
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

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
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

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct)
                   ?? throw new CommandException($"The server at {Server} answered with nothing.");
        }
        catch (JsonException)
        {
            throw new CommandException($"The server at {Server} answered with something other than the Custos API expects; check --server.");
        }
    }

    private async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return "The server did not accept the token: it is invalid, expired or revoked. Create a new one ('custos token create' or " +
                   "your account page) and pass it with CUSTOS_TOKEN or --token-file.";
        if (status is >= 300 and < 400)
            return $"The server answered with a redirect to {response.Headers.Location}; check --server.";
        string? title = null, detail = null, code = null;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = Text(problem.RootElement, "title");
                detail = Text(problem.RootElement, "detail");
                code = Text(problem.RootElement, "code");
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status line below says what can be said.
        }
        if (response.StatusCode == HttpStatusCode.Forbidden && detail is null && code is null)
            return "The server refused: your user, or this token's scopes, may not do this.";
        if (code == "auth.step_up_required")
            return "This is in a sensitive tenant or folder: it needs a confirmation with your security key, which only the web interface can give.";
        var message = (title, detail) switch
        {
            (null, null) => $"The server answered {status} {response.ReasonPhrase}.",
            (null, _) => detail!,
            // The generic titles ("Forbidden", "Bad request") say less than the detail that comes with them.
            (_, not null) when title != detail => $"{title}: {detail}",
            _ => title!,
        };
        return OneLine(message);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 500 ? line[..500] + "…" : line;
    }

    public void Dispose() => http.Dispose();
}
