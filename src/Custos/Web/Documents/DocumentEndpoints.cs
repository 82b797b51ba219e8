using System.Security.Cryptography;
using System.Text;
using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Sluice;
using Custos.Web.Sluice;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Custos.Web.Documents;

/// <summary>
/// The document store's JSON API under /api/v1/tenants/{tenant}/documents. Uploads are the raw request body (streamed,
/// never buffered), with the file name percent-encoded in <see cref="FileNameHeader"/> (or the `name` query parameter)
/// and the media type as Content-Type; downloads stream back with the version's SHA-256 in <c>Repr-Digest</c>.
/// </summary>
public static class DocumentEndpoints
{
    public const string FileNameHeader = "X-Custos-File-Name";

    public sealed record FolderInput(string? Name, Guid? ParentId, Guid? ProjectId);

    public sealed record LockBreakInput(string? Reason);

    public static void MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var docs = app.MapGroup("/api/v1/tenants/{tenant:guid}/documents").RequireAuthorization(Policies.FullSession).WithTags("Documents");

        docs.MapGet("/folders", async (Guid tenant, HttpContext http, DocumentFolders folders, CancellationToken ct) =>
            DocumentApi.From(await folders.ListAsync(new TenantId(tenant), http.DocumentCaller(), ct))).Reads().WithName("ListDocumentFolders");
        docs.MapPost("/folders", async (Guid tenant, FolderInput body, HttpContext http, DocumentFolders folders, CancellationToken ct) =>
            DocumentApi.From(await folders.CreateAsync(new TenantId(tenant), body.Name, body.ParentId, body.ProjectId is { } p ? new ProjectId(p) : null,
                http.DocumentCaller(), ct))).Writes().WithName("CreateDocumentFolder");

        docs.MapGet("", async (Guid tenant, [FromQuery] Guid folder, HttpContext http, DocumentLibrary library, CancellationToken ct) =>
            DocumentApi.From(await library.ListAsync(new TenantId(tenant), folder, http.DocumentCaller(), ct))).Reads().WithName("ListDocuments");
        // Uploads go into the sluice's quarantine; the answer is the document once released (see SluiceApi.Upload).
        docs.MapPost("", async (Guid tenant, [FromQuery] Guid folder, [FromQuery] string? name, [FromQuery] string? comment, HttpContext http,
                SluiceIntake sluice, CancellationToken ct) =>
            SluiceApi.Upload(http, await sluice.SubmitDocumentAsync(new TenantId(tenant), folder, FileName(http, name), http.Request.ContentType, comment,
                http.Request.Body, http.DocumentCaller(), ct)))
            .Writes().TakesFiles(FileIntake.Quarantine).WithName("UploadDocument");

        docs.MapGet("/{id:guid}", async (Guid tenant, Guid id, HttpContext http, DocumentLibrary library, CancellationToken ct) =>
            DocumentApi.From(await library.GetAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Reads().WithName("GetDocument");
        docs.MapPost("/{id:guid}/checkout", async (Guid tenant, Guid id, HttpContext http, DocumentLocks locks, CancellationToken ct) =>
            DocumentApi.From(await locks.CheckOutAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Writes().WithName("CheckOutDocument");
        docs.MapPost("/{id:guid}/cancel-checkout", async (Guid tenant, Guid id, HttpContext http, DocumentLocks locks, CancellationToken ct) =>
            DocumentApi.From(await locks.CancelAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Writes().WithName("CancelDocumentCheckOut");
        docs.MapPost("/{id:guid}/break-lock", async (Guid tenant, Guid id, LockBreakInput body, HttpContext http, DocumentLocks locks, CancellationToken ct) =>
            DocumentApi.From(await locks.BreakAsync(new TenantId(tenant), id, body.Reason, http.DocumentCaller(), ct))).Writes().WithName("BreakDocumentLock");
        docs.MapPost("/{id:guid}/versions", async (Guid tenant, Guid id, [FromQuery] string? comment, HttpContext http, SluiceIntake sluice,
                CancellationToken ct) =>
            SluiceApi.Upload(http, await sluice.SubmitVersionAsync(new TenantId(tenant), id, http.Request.ContentType, comment, http.Request.Body,
                http.DocumentCaller(), ct)))
            .Writes().TakesFiles(FileIntake.Quarantine).WithName("CheckInDocument");
        docs.MapGet("/{id:guid}/content", async (Guid tenant, Guid id, [FromQuery] int? version, HttpContext http, DocumentDownloads downloads,
                CancellationToken ct) =>
            await DownloadAsync(http, downloads, new TenantId(tenant), id, version, ct)).Reads().WithName("DownloadDocument");
    }

    private static string? FileName(HttpContext http, string? query)
    {
        var header = http.Request.Headers[FileNameHeader].ToString();
        if (header.Length == 0) return query;
        try
        {
            return Uri.UnescapeDataString(header);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Streams the version. The first segments are read and checked before the response begins, so a blob damaged at
    /// its start answers with a proper error; a fault found later aborts the connection, and the last chunk is sent only
    /// once the whole content's checksum matched: the client gets a broken transfer (short of Content-Length), never a
    /// complete-looking file. Either way the alarm is recorded.
    /// </summary>
    private static async Task<IResult> DownloadAsync(HttpContext http, DocumentDownloads downloads, TenantId tenant, Guid id, int? version,
        CancellationToken ct)
    {
        var caller = http.DocumentCaller();
        var opened = await downloads.OpenAsync(tenant, id, version, caller, ct);
        if (!opened.Succeeded) return DocumentApi.Problem(opened.Error!);
        await using var download = opened.Value!;
        // Two buffers: the newest chunk is held back until the next one has been read, so the last chunk leaves only
        // after the checksum of the whole content matched; a mismatch then cuts the transfer short of Content-Length.
        var pending = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        int pendingLength;
        string? problem = null;
        try
        {
            pendingLength = await FillAsync(download.Content, pending, ct);
            if (pendingLength < ChunkSize && !download.IsIntact) problem = "the checksum of the content does not match";
        }
        catch (Exception e) when (e is CryptographicException or InvalidDataException)
        {
            pendingLength = 0;
            problem = "the encrypted content fails authentication (altered or cut short)";
        }
        if (problem is not null)
        {
            // Nothing has been sent yet: a proper error answer.
            await downloads.AlarmAsync(download.Version, problem, caller, CancellationToken.None);
            return DocumentApi.Problem(DocumentErrors.Integrity);
        }

        var response = http.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = download.Version.Size;
        response.Headers.ContentDisposition = ContentDisposition(download.Name);
        response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(download.Version.Sha256)}:";
        response.Headers["X-Custos-Version"] = download.Version.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            if (pendingLength == ChunkSize)
            {
                int read;
                while ((read = await FillAsync(download.Content, next, ct)) > 0)
                {
                    await response.Body.WriteAsync(pending.AsMemory(0, pendingLength), ct);
                    (pending, next, pendingLength) = (next, pending, read);
                }
                if (!download.IsIntact) problem = "the checksum of the content does not match";
            }
            if (problem is null) await response.Body.WriteAsync(pending.AsMemory(0, pendingLength), ct);
        }
        catch (Exception e) when (e is CryptographicException or InvalidDataException)
        {
            problem = "the encrypted content fails authentication (altered or cut short)";
        }
        if (problem is not null)
        {
            await downloads.AlarmAsync(download.Version, problem, caller, CancellationToken.None);
            http.Abort();
        }
        return Results.Empty;
    }

    private const int ChunkSize = 256 * 1024;

    /// <summary>Reads until the buffer is full or the content ends; the count read.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await content.ReadAsync(buffer.AsMemory(filled), ct)) > 0) filled += read;
        return filled;
    }

    /// <summary>attachment, with an ASCII fallback and the UTF-8 name (RFC 6266); separators and quotes never reach a client's path.</summary>
    private static string ContentDisposition(string name)
    {
        var safe = new string(name.Select(c => c is '/' or '\\' or '"' || char.IsControl(c) ? '_' : c).ToArray());
        var ascii = new string(safe.Select(c => c is >= ' ' and <= '~' ? c : '_').ToArray());
        var header = new ContentDispositionHeaderValue("attachment") { FileName = $"\"{ascii}\"" };
        header.FileNameStar = safe;
        return header.ToString();
    }
}
