using Custos.Core.Common;
using Custos.Core.SecureUse;
using Custos.Core.Sluice;
using Custos.Web.Sluice;
using Custos.Web.Identity;
using Custos.Web.Vault;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Custos.Web.SecureUse;

/// <summary>
/// File transfer on an SSH entry's target for Use holders (browser terminal side panel, `custos scp`): GET streams a
/// remote file down, PUT streams the request body up, GET …/files/list lists a directory. The credential stays here.
/// </summary>
public static class SshFileEndpoints
{
    public static void MapSshFileEndpoints(this RouteGroupBuilder ssh)
    {
        ssh.MapGet("/files", DownloadAsync).Reads().WithName("DownloadSshFile");
        // A change on the target: browser sessions need the anti-forgery token, as for commands.
        ssh.MapPut("/files", UploadAsync).Reveals().TakesFiles(FileIntake.Screened).WithName("UploadSshFile");
        ssh.MapGet("/files/list", async (Guid tenant, Guid id, string? path, HttpContext http, SshFiles files, TimeProvider time, CancellationToken ct) =>
        {
            var listed = await files.ListAsync(new TenantId(tenant), id, path, http.Caller(time), ct);
            return listed.Succeeded ? Results.Ok(listed.Value) : SshEndpoints.Problem(listed.Error!);
        }).Reads().WithName("ListSshFiles");
    }

    private static async Task DownloadAsync(Guid tenant, Guid id, string? path, string? reason, HttpContext http, SshFiles files, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var opened = await files.OpenDownloadAsync(new TenantId(tenant), id, path, reason, http.Caller(time), ct);
        if (!opened.Succeeded)
        {
            await SshEndpoints.Problem(opened.Error!).ExecuteAsync(http);
            return;
        }
        await using var download = opened.Value!;
        var response = http.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = download.Size;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(download.Name.Length > 0 ? download.Name : "download");
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Once the first byte is out the status is sent; a transfer that breaks off then ends the response short, which the
        // client sees against Content-Length (and the audit log records as incomplete).
        await download.CopyToAsync(response.Body, ct);
    }

    /// <summary>A file for the server passes the sluice first; only a file that passed is copied there (from the checked copy).</summary>
    private static async Task<IResult> UploadAsync(Guid tenant, Guid id, string? path, string? reason, HttpContext http, SshFiles files, SluiceScreen sluice,
        TimeProvider time)
    {
        Result<long>? uploaded = null;
        var name = path is null ? "upload" : path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "upload";
        var screened = await sluice.ScreenAsync(new TenantId(tenant), http.Request.Body, name, $"vault-entry:{id}", http.Actor(),
            async (checkedCopy, ct) => uploaded = await files.UploadAsync(new TenantId(tenant), id, path, checkedCopy, reason, http.Caller(time), ct),
            http.RequestAborted);
        if (!screened.Succeeded) return SluiceApi.Problem(screened.Error!);
        var done = uploaded!.Value;
        return done.Succeeded ? Results.Ok(new { path, bytes = done.Value }) : SshEndpoints.Problem(done.Error!);
    }
}
