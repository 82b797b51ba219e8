using System.Globalization;
using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Sharing;
using Custos.Web.Documents;
using Custos.Web.Identity;
using Custos.Web.Sluice;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Custos.Web.Sharing;

/// <summary>
/// The sender's JSON API under /api/v1/tenants/{tenant}/shares: create links to documents or a folder, upload requests,
/// list (own, or all for the tenant's managers), show, log, revoke, shorten, record the password's handover, policy.
/// </summary>
public static class ShareEndpoints
{
    public sealed record ShareInput(
        IReadOnlyList<ShareDocument>? Documents, Guid? FolderId, DateTimeOffset? ExpiresAt, int? ExpiresInDays, string? Password, string? OwnPassword,
        int? DownloadLimit, bool Sensitive, string? Recipient, string? Message, bool NotifyOnFirstDownload, string? Language);

    public sealed record RequestInput(
        Guid FolderId, DateTimeOffset? ExpiresAt, int? ExpiresInDays, string? Password, string? OwnPassword, int? MaxFiles, long? MaxBytes,
        string? Recipient, string? Message, string? Language);

    public sealed record ExpiryInput(DateTimeOffset ExpiresAt);

    public sealed record HandoverInput(string? Note);

    public sealed record PolicyInput(bool PasswordRequired, int DefaultExpiryDays, int MaxExpiryDays, bool UploadRequestsAllowed);

    /// <summary>A new link: the URL (with its token) and the generated passwords, shown this once.</summary>
    public sealed record CreatedOutput(ShareView Share, string Url, string? Password, string? PackagePassword, string? PackageNote);

    public static void MapShareEndpoints(this IEndpointRouteBuilder app)
    {
        var shares = app.MapGroup("/api/v1/tenants/{tenant:guid}/shares").RequireAuthorization(Policies.FullSession).WithTags("Sharing");

        shares.MapPost("", async (Guid tenant, ShareInput body, HttpContext http, ShareCreation creation, TimeProvider time, CancellationToken ct) =>
        {
            if (Mode(body.Password) is not { } mode) return ShareApi.Problem(ShareErrors.Invalid("password is generate, given or none."));
            var created = await creation.ShareAsync(new TenantId(tenant), new ShareRequest
            {
                Documents = body.Documents ?? [], FolderId = body.FolderId, ExpiresAt = Expiry(body.ExpiresAt, body.ExpiresInDays, time),
                PasswordMode = mode, Password = body.OwnPassword, DownloadLimit = body.DownloadLimit, Sensitive = body.Sensitive,
                Recipient = body.Recipient, Message = body.Message, NotifyOnFirstDownload = body.NotifyOnFirstDownload, Language = Language(body.Language),
            }, http.DocumentCaller(), ct);
            return Created(http, created);
        }).Writes().WithName("CreateShare");

        shares.MapPost("/send", SendAsync).Writes().DisableAntiforgery().TakesFiles(FileIntake.Screened).WithName("SendFiles");

        shares.MapPost("/requests", async (Guid tenant, RequestInput body, HttpContext http, ShareCreation creation, TimeProvider time, CancellationToken ct) =>
        {
            if (Mode(body.Password) is not { } mode) return ShareApi.Problem(ShareErrors.Invalid("password is generate, given or none."));
            var created = await creation.RequestUploadsAsync(new TenantId(tenant), new UploadRequest
            {
                FolderId = body.FolderId, ExpiresAt = Expiry(body.ExpiresAt, body.ExpiresInDays, time), PasswordMode = mode, Password = body.OwnPassword,
                MaxFiles = body.MaxFiles, MaxBytes = body.MaxBytes, Recipient = body.Recipient, Message = body.Message, Language = Language(body.Language),
            }, http.DocumentCaller(), ct);
            return Created(http, created);
        }).Writes().WithName("CreateUploadRequest");

        shares.MapGet("", async (Guid tenant, [FromQuery] bool? all, HttpContext http, ShareManagement management, CancellationToken ct) =>
            ShareApi.From(await management.ListAsync(new TenantId(tenant), http.DocumentCaller(), all == true, ct))).Reads().WithName("ListShares");
        shares.MapGet("/{id:guid}", async (Guid tenant, Guid id, HttpContext http, ShareManagement management, CancellationToken ct) =>
            ShareApi.From(await management.GetAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Reads().WithName("GetShare");
        shares.MapGet("/{id:guid}/log", async (Guid tenant, Guid id, HttpContext http, ShareManagement management, CancellationToken ct) =>
            ShareApi.From(await management.LogAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Reads().WithName("GetShareLog");
        shares.MapPost("/{id:guid}/revoke", async (Guid tenant, Guid id, HttpContext http, ShareManagement management, CancellationToken ct) =>
            ShareApi.From(await management.RevokeAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Writes().WithName("RevokeShare");
        shares.MapPost("/{id:guid}/expiry", async (Guid tenant, Guid id, ExpiryInput body, HttpContext http, ShareManagement management, CancellationToken ct) =>
            ShareApi.From(await management.SetExpiryAsync(new TenantId(tenant), id, body.ExpiresAt, http.DocumentCaller(), ct))).Writes().WithName("SetShareExpiry");
        shares.MapPost("/{id:guid}/handover", async (Guid tenant, Guid id, HandoverInput body, HttpContext http, ShareManagement management, CancellationToken ct) =>
            ShareApi.From(await management.RecordHandoverAsync(new TenantId(tenant), id, body.Note ?? "", http.DocumentCaller(), ct))).Writes().WithName("RecordShareHandover");

        shares.MapGet("/policy", async (Guid tenant, HttpContext http, SharePolicies policies, ShareManagement management, CancellationToken ct) =>
            await management.SeesTenantAsync(new TenantId(tenant), http.DocumentCaller(), ct)
                ? Results.Ok(await policies.GetAsync(new TenantId(tenant), ct))
                : ShareApi.Problem(ShareErrors.NotFound)).Reads().WithName("GetSharePolicy");
        shares.MapPut("/policy", async (Guid tenant, PolicyInput body, HttpContext http, SharePolicies policies, CancellationToken ct) =>
        {
            if (!http.Session()!.IsInRole(Roles.Administrator)) return ShareApi.Problem(ShareErrors.Forbidden);
            return ShareApi.From(await policies.SetAsync(new TenantId(tenant),
                new SharePolicies.Policy(body.PasswordRequired, body.DefaultExpiryDays, body.MaxExpiryDays, body.UploadRequestsAllowed), http.Actor(), ct));
        }).Writes().WithName("SetSharePolicy");
    }

    /// <summary>
    /// Files uploaded for a link alone (like Bitwarden Send): multipart/form-data whose first part "options" holds the
    /// link's settings as JSON (as for POST /shares, documents optional), then the files. Each file is screened by the
    /// sluice as it arrives and stored encrypted; if any is refused or the link cannot be made, none is kept.
    /// </summary>
    private static async Task<IResult> SendAsync(Guid tenant, HttpContext http, ShareCreation creation, ShareTransfers transfers, TimeProvider time,
        CancellationToken ct)
    {
        if (MultipartFiles.Reader(http.Request) is not { } reader)
            return ShareApi.Problem(ShareErrors.Invalid("Send multipart/form-data: a part \"options\" (JSON), then the files."));
        var first = await reader.ReadNextSectionAsync(ct);
        ShareInput? body = null;
        if (first is not null && ContentDispositionHeaderValue.TryParse(first.ContentDisposition, out var options) && options.Name.Value == "options")
        {
            try
            {
                body = await System.Text.Json.JsonSerializer.DeserializeAsync<ShareInput>(first.Body, http.RequestServices
                    .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions, ct);
            }
            catch (System.Text.Json.JsonException e)
            {
                return ShareApi.Problem(ShareErrors.Invalid($"The options are not valid JSON: {e.Message}"));
            }
        }
        if (body is null) return ShareApi.Problem(ShareErrors.Invalid("The first part must be \"options\" with the link's settings as JSON."));
        if (Mode(body.Password) is not { } mode) return ShareApi.Problem(ShareErrors.Invalid("password is generate, given or none."));

        var caller = http.DocumentCaller();
        var received = new List<ShareItem>();
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (MultipartFiles.FileName(section) is not { } name) continue;
                var file = await transfers.ReceiveAsync(new TenantId(tenant), name, section.ContentType, section.Body, caller, ct);
                if (!file.Succeeded) return ShareApi.Problem(file.Error!);
                received.Add(file.Value!);
            }
            var created = await creation.ShareAsync(new TenantId(tenant), new ShareRequest
            {
                Documents = body.Documents ?? [], FolderId = body.FolderId, ExpiresAt = Expiry(body.ExpiresAt, body.ExpiresInDays, time),
                PasswordMode = mode, Password = body.OwnPassword, DownloadLimit = body.DownloadLimit, Sensitive = body.Sensitive,
                Recipient = body.Recipient, Message = body.Message, NotifyOnFirstDownload = body.NotifyOnFirstDownload, Language = Language(body.Language),
            }, caller, ct, received);
            if (created.Succeeded) received.Clear();
            return Created(http, created);
        }
        finally
        {
            await transfers.DiscardAsync(received);
        }
    }

    private static IResult Created(HttpContext http, Result<CreatedShare> created)
    {
        if (!created.Succeeded) return ShareApi.Problem(created.Error!);
        var c = created.Value!;
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new CreatedOutput(c.Share, ShareApi.PublicUrl(http, c.Path), c.Password, c.PackagePassword, c.PackageNote), statusCode: 201);
    }

    public static SharePasswordMode? Mode(string? text) => (text ?? "generate").ToLowerInvariant() switch
    {
        "generate" => SharePasswordMode.Generate,
        "given" or "own" => SharePasswordMode.Given,
        "none" => SharePasswordMode.None,
        _ => null,
    };

    public static DateTimeOffset? Expiry(DateTimeOffset? at, int? inDays, TimeProvider time) =>
        at ?? (inDays is { } d ? time.GetUtcNow().AddDays(Math.Clamp(d, -1, 3650)) : null);

    public static string Language(string? given) =>
        (given ?? CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) == "de" ? "de" : "en";
}
