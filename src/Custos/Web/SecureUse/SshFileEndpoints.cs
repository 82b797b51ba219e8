using Custos.Core.Common;
using Custos.Core.SecureUse;
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
        ssh.MapPut("/files", UploadAsync).Reveals().WithName("UploadSshFile");
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

    private static async Task<IResult> UploadAsync(Guid tenant, Guid id, string? path, string? reason, HttpContext http, SshFiles files, TimeProvider time)
    {
        var uploaded = await files.UploadAsync(new TenantId(tenant), id, path, http.Request.Body, reason, http.Caller(time), http.RequestAborted);
        return uploaded.Succeeded ? Results.Ok(new { path, bytes = uploaded.Value }) : SshEndpoints.Problem(uploaded.Error!);
    }
}
