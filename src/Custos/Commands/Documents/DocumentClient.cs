using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using Custos.Commands.Remote;
using Custos.Commands.Vault;

namespace Custos.Commands.Documents;

/// <summary>
/// The document API as the command line uses it: the token as bearer, "cli" as client label (for the audit log), every
/// refusal turned into one line for the operator (a <see cref="CommandException"/>), and content streamed both ways.
/// </summary>
internal sealed class DocumentClient : IDisposable
{
    /// <summary>Header of the upload's file name, percent-encoded UTF-8 (see Custos.Web.Documents.DocumentEndpoints).</summary>
    public const string FileNameHeader = "X-Custos-File-Name";

    // JSON calls get an answer in this time or fail; transfers have no overall limit, since a large file over a slow
    // line takes as long as it takes (the connection timeout still catches a server that is not there).
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);

    private readonly HttpClient http;
    private readonly ServerTrust trust;
    private readonly RemoteProblems.Texts problems;

    /// <param name="problems">How refusals read; default: as the document store's (another command on the same API names its own scopes).</param>
    public DocumentClient(Uri server, string token, ServerTrust trust, RemoteProblems.Texts? problems = null)
    {
        Server = server;
        this.trust = trust;
        this.problems = problems ?? new(
            Forbidden: "The server refused: your user, or this token's scopes (documents:read, documents:write), may not do this.",
            StepUp: StepUpText,
            NotFound: $"The server at {server} has no document store at this address; check --server (or the server is older than this command).");
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            SslOptions = { RemoteCertificateValidationCallback = trust.Validate },
        };
        http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Add("X-Custos-Client", "cli");
    }

    public Uri Server { get; }

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body ?? new { }, ct);

    public Task<T> PutAsync<T>(string path, object body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    /// <summary>
    /// Sends <paramref name="content"/> as the raw body, as it is read (never held whole), and reads the JSON answer.
    /// "Expect: 100-continue" lets the server refuse (no right, not checked out) before a single byte of a large file travels.
    /// </summary>
    public async Task<T> UploadAsync<T>(string path, Stream content, long length, string? fileName, string mediaType, CancellationToken ct)
    {
        using var body = new StreamContent(content, 256 * 1024);
        body.Headers.ContentLength = length;
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        request.Headers.ExpectContinue = true;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (fileName is not null) request.Headers.Add(FileNameHeader, Uri.EscapeDataString(fileName));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>
    /// An upload into the sluice: the document when it was released at once (200), or the quarantine entry (202) while
    /// the checks go on or a reviewer must decide. A blocked file is an error naming the reason.
    /// </summary>
    public async Task<SluiceUpload> UploadToSluiceAsync(string path, Stream content, long length, string? fileName, string mediaType, CancellationToken ct)
    {
        using var body = new StreamContent(content, 256 * 1024);
        body.Headers.ContentLength = length;
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        request.Headers.ExpectContinue = true;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (fileName is not null) request.Headers.Add(FileNameHeader, Uri.EscapeDataString(fileName));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var quarantine = response.Headers.TryGetValues("X-Custos-Quarantine", out var ids) && Guid.TryParse(ids.FirstOrDefault(), out var id) ? id : (Guid?)null;
        if (response.StatusCode == System.Net.HttpStatusCode.Accepted) return new SluiceUpload(null, await ReadAsync<SluiceItem>(response, ct));
        var document = await ReadAsync<DocInfo>(response, ct);
        return new SluiceUpload(document, null) { QuarantineId = quarantine };
    }

    /// <summary>Posts a file as the raw body and reads the JSON answer (the sluice's check of a file that is not stored).</summary>
    public async Task<T> PostFileAsync<T>(string path, Stream content, long length, CancellationToken ct)
    {
        using var body = new StreamContent(content, 256 * 1024);
        body.Headers.ContentLength = length;
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>
    /// multipart/form-data: a part "options" with <paramref name="options"/> as JSON, then each file streamed as it is
    /// read (files uploaded for a share link alone).
    /// </summary>
    public async Task<T> PostFilesAsync<T>(string path, object options, IReadOnlyList<(string Name, Stream Content, long Length)> files, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(JsonContent.Create(options, options.GetType(), options: DocumentJson.Web), "options");
        foreach (var (name, content, length) in files)
        {
            var part = new StreamContent(content, 256 * 1024);
            part.Headers.ContentLength = length;
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>A download whose headers have arrived; its body is read from <see cref="HttpResponseMessage.Content"/> as it comes.</summary>
    public async Task<HttpResponseMessage> DownloadAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        // The server opens the content before it answers, and breaks off when the content fails its check right away.
        return await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct,
            "The server broke off the download before sending anything: the stored content is damaged (the server's audit log records an " +
            "integrity alarm) or the connection failed. Nothing was saved.");
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: DocumentJson.Web);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            return await ReadAsync<T>(response, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CommandException($"The Custos server at {Server} did not answer in time.");
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct,
        string? brokenOff = null)
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
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CommandException($"Cannot reach the Custos server at {Server}: {e.Message}");
        }
        catch (HttpRequestException e) when (brokenOff is not null || e.HttpRequestError == HttpRequestError.ResponseEnded)
        {
            // Connected, asked, and then the connection ended or was reset instead of an answer.
            throw new CommandException(brokenOff ?? $"The Custos server at {Server} broke off the connection before it answered.");
        }
        catch (HttpRequestException e)
        {
            // Also a file that cannot be read while it is sent: the inner exception says which.
            var cause = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new CommandException($"The request to the Custos server at {Server} failed: {cause}");
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested && e.InnerException is TimeoutException)
        {
            throw new CommandException($"Cannot reach the Custos server at {Server}: it did not accept a connection in time.");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw new CommandException(await ErrorOfAsync(response, ct));
    }

    private Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) => RemoteProblems.ReadAsync<T>(response, DocumentJson.Web, Server, ct);

    /// <summary>The answer to a step-up demand: only the web interface can ask for the security key.</summary>
    public const string StepUpText = "This is in a sensitive tenant: it needs a confirmation with your security key, which only the web interface can give.";

    private Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct) => RemoteProblems.DescribeAsync(response, Server, problems, ct);

    public void Dispose() => http.Dispose();
}

internal static class DocumentJson
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Machine output names every field, null or not, so that scripts need not guess.</summary>
    public static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };
}
