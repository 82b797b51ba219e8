using System.Globalization;
using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Sharing;
using Custos.Web.Documents;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;

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

        shares.MapGet("/policy", async (Guid tenant, SharePolicies policies, CancellationToken ct) =>
            Results.Ok(await policies.GetAsync(new TenantId(tenant), ct))).Reads().WithName("GetSharePolicy");
        shares.MapPut("/policy", async (Guid tenant, PolicyInput body, HttpContext http, SharePolicies policies, CancellationToken ct) =>
        {
            if (!http.Session()!.IsInRole(Roles.Administrator)) return ShareApi.Problem(ShareErrors.Forbidden);
            return ShareApi.From(await policies.SetAsync(new TenantId(tenant),
                new SharePolicies.Policy(body.PasswordRequired, body.DefaultExpiryDays, body.MaxExpiryDays, body.UploadRequestsAllowed), http.Actor(), ct));
        }).Writes().WithName("SetSharePolicy");
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
