using System.Buffers;
using Custos.Core.Sharing;
using Custos.Web.Sluice;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Custos.Web.Sharing.Public;

/// <summary>
/// The public file routes, next to the pages (Share and Upload): downloads (with ranges, so an interrupted download
/// resumes) and the file drop of upload requests. Every request goes through the gate again: expiry, revocation, lock,
/// password (the visitor cookie) and the limit are checked each time. Whatever is wrong with a token answers 404.
/// </summary>
public static class PublicShareEndpoints
{
    public static void MapPublicShareEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/s/{token}/files/{item:guid}", ["GET", "HEAD"], DownloadAsync).AllowAnonymous().ExcludeFromDescription().WithName("PublicDownload");
        app.MapPost("/u/{token}/files", UploadAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery()
            .TakesFiles(FileIntake.Quarantine).WithName("PublicUpload");
    }

    private static async Task DownloadAsync(string token, Guid item, HttpContext http, ShareGate gate, ShareDownloads downloads, ShareLog log,
        ShareVisitorCookie cookies, CancellationToken ct)
    {
        var link = await gate.FindAsync(token, ShareKind.Download, ct);
        if (link is null)
        {
            await PublicPages.UnavailableAsync(http);
            return;
        }
        var visitor = cookies.Read(http, link);
        if (!ShareVisitorCookie.Admitted(link, visitor))
        {
            http.Response.Redirect($"/s/{token}", permanent: false);
            return;
        }
        var file = await downloads.ItemAsync(link, item, ct);
        if (file is null)
        {
            await PublicPages.UnavailableAsync(http);
            return;
        }

        var response = http.Response;
        var etag = $"\"{Convert.ToHexStringLower(file.Sha256)}\"";
        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = etag;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = Path.GetFileName(file.Name) }.ToString();
        var ifRange = http.Request.Headers.IfRange.ToString();
        var rangeHeader = ifRange.Length > 0 && ifRange != etag ? null : http.Request.Headers.Range.ToString();
        var outcome = ByteRange.Parse(rangeHeader, file.Size, out var range);
        if (outcome == ByteRange.Outcome.Unsatisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{file.Size}";
            return;
        }
        if (HttpMethods.IsHead(http.Request.Method))
        {
            response.ContentLength = file.Size;
            response.ContentType = file.MediaType;
            return;
        }

        var client = ShareVisitorCookie.Client(http, visitor);
        var opened = await downloads.OpenAsync(link, file, range.Start, client, ct);
        if (!opened.Succeeded)
        {
            if (opened.Error!.Code == "document.integrity") response.StatusCode = StatusCodes.Status500InternalServerError;
            else await PublicPages.UnavailableAsync(http);
            return;
        }
        await using var download = opened.Value!;
        if (visitor.IsNew) cookies.Write(http, link, visitor);
        response.StatusCode = outcome == ByteRange.Outcome.Partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        if (outcome == ByteRange.Outcome.Partial) response.Headers.ContentRange = $"bytes {range.Start}-{range.End}/{file.Size}";
        response.ContentLength = range.Length;
        response.ContentType = file.MediaType;

        // A whole-file download holds its newest chunk back until the next has been read, so the last chunk leaves only
        // after the SHA-256 of all of it matched the stored one (as document downloads do); a range is checked segment by
        // segment only. A mismatch cuts the transfer short of Content-Length and raises an integrity alarm.
        var whole = range.Start == 0 && range.End == file.Size - 1;
        long sent = 0;
        var pending = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        string? problem = null;
        try
        {
            var pendingLength = await FillAsync(download.Content, pending, (int)Math.Min(ChunkSize, range.Length), ct);
            while (sent + pendingLength < range.Length)
            {
                var read = await FillAsync(download.Content, next, (int)Math.Min(ChunkSize, range.Length - sent - pendingLength), ct);
                if (read == 0) break;
                await response.Body.WriteAsync(pending.AsMemory(0, pendingLength), ct);
                sent += pendingLength;
                (pending, next, pendingLength) = (next, pending, read);
            }
            if (whole && !await downloads.IsIntactAsync(download, ct)) problem = "the checksum of the content does not match";
            else
            {
                await response.Body.WriteAsync(pending.AsMemory(0, pendingLength), ct);
                sent += pendingLength;
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            problem = "the encrypted content fails authentication (altered or cut short)";
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The recipient went away: the log says how far it got.
            http.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pending);
            ArrayPool<byte>.Shared.Return(next);
            await log.FinishAsync(download.EventId, sent, sent == range.Length && range.End == file.Size - 1);
        }
        if (problem is not null)
        {
            await downloads.AlarmAsync(link, file, problem, client);
            http.Abort();
        }
    }

    private const int ChunkSize = 256 * 1024;

    /// <summary>Reads until <paramref name="count"/> bytes are in <paramref name="buffer"/> or the content ends.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken ct)
    {
        var total = 0;
        while (total < count)
        {
            var read = await content.ReadAsync(buffer.AsMemory(total, count - total), ct);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    public sealed record UploadOutcome(string Name, long Size, string? Error);

    /// <summary>
    /// multipart/form-data, each file streamed straight into the sluice's encrypted quarantine (never buffered to disk
    /// in the clear). A browser form is sent back to the page with what happened; other clients get JSON.
    /// </summary>
    private static async Task<IResult> UploadAsync(string token, HttpContext http, ShareGate gate, ShareUploads uploads, ShareVisitorCookie cookies,
        CancellationToken ct)
    {
        var link = await gate.FindAsync(token, ShareKind.Upload, ct);
        if (link is null) return PublicPages.Unavailable();
        var visitor = cookies.Read(http, link);
        // A visitor cookie is required even without a password: a cross-site form (SameSite=Lax) cannot post here then.
        if (visitor.IsNew || !ShareVisitorCookie.Admitted(link, visitor)) return Results.Redirect($"/u/{token}");
        if (MultipartFiles.Reader(http.Request) is not { } reader) return Results.Problem(statusCode: 415, title: "Send the files as multipart/form-data.");

        var client = ShareVisitorCookie.Client(http, visitor);
        var outcomes = new List<UploadOutcome>();
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            // A form sent without choosing a file has a part without a name.
            if (MultipartFiles.FileName(section) is not { } name) continue;
            var received = await uploads.ReceiveAsync(link, name, section.ContentType, section.Body, client, ct);
            outcomes.Add(received.Succeeded
                ? new UploadOutcome(received.Value!.Name, received.Value.Size, null)
                : new UploadOutcome(ShareUploads.BaseName(name), 0, received.Error!.Code));
            // After a refusal for size or count the rest of the body is not read: nothing more would be accepted.
            if (received.Error?.Code is "share.upload_too_many" or "share.upload_too_large" or "share.unavailable") break;
        }
        if (AcceptsJson(http)) return Results.Json(outcomes, statusCode: outcomes.Any(o => o.Error is null) || outcomes.Count == 0 ? 200 : 422);
        var query = $"?sent={outcomes.Count(o => o.Error is null)}" + (outcomes.FirstOrDefault(o => o.Error is not null) is { } failed ? $"&error={failed.Error}" : "");
        return Results.Redirect($"/u/{token}{query}");
    }

    private static bool AcceptsJson(HttpContext http) =>
        http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
}
