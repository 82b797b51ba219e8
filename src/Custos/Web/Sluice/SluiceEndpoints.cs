using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Custos.Web.Documents;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sluice;

/// <summary>
/// The sluice's JSON API under /api/v1/tenants/{tenant}/sluice: an uploader's own files, the reviewers' queue, release
/// (four eyes where a check flagged the file) and block, the tenant's policy, and a check of a file that is not stored.
/// </summary>
public static class SluiceEndpoints
{
    public sealed record DecisionInput(string? Note);

    public sealed record PolicyInput(IReadOnlyList<string>? AllowedKinds, string? Release, int? KeepOriginalDays);

    public static void MapSluiceEndpoints(this IEndpointRouteBuilder app)
    {
        var sluice = app.MapGroup("/api/v1/tenants/{tenant:guid}/sluice").RequireAuthorization(Policies.FullSession).WithTags("Sluice");

        sluice.MapGet("", async (Guid tenant, [FromQuery] string? state, HttpContext http, SluiceReview review, CancellationToken ct) =>
            SluiceApi.From(await review.QueueAsync(new TenantId(tenant), http.DocumentCaller(), state, ct: ct))).Reads().WithName("ListQuarantine");
        sluice.MapGet("/mine", async (Guid tenant, HttpContext http, SluiceReview review, CancellationToken ct) =>
            Results.Ok(await review.MineAsync(new TenantId(tenant), http.DocumentCaller(), ct: ct))).Reads().WithName("ListMyQuarantine");
        sluice.MapGet("/policy", async (Guid tenant, HttpContext http, SluicePolicies policies, SluiceReview review, CancellationToken ct) =>
            await review.SeesTenantAsync(new TenantId(tenant), http.DocumentCaller(), ct) ? Results.Ok(await policies.GetAsync(new TenantId(tenant), ct))
                : SluiceApi.Problem(SluiceErrors.NotFound)).Reads().WithName("GetSluicePolicy");
        sluice.MapPut("/policy", async (Guid tenant, PolicyInput body, HttpContext http, SluicePolicies policies, CancellationToken ct) =>
        {
            if (!http.Session()!.IsInRole(Roles.Administrator)) return SluiceApi.Problem(SluiceErrors.Forbidden);
            SluiceRelease? release = null;
            if (body.Release is not null)
            {
                if (!Enum.TryParse<SluiceRelease>(body.Release, ignoreCase: true, out var r) || !Enum.IsDefined(r))
                    return SluiceApi.Problem(SluiceErrors.InvalidPolicy("release is disarmed, original or both."));
                release = r;
            }
            return SluiceApi.From(await policies.SetAsync(new TenantId(tenant), body.AllowedKinds, release, body.KeepOriginalDays, http.Actor(), ct));
        }).Writes().WithName("SetSluicePolicy");
        sluice.MapPost("/check", async (Guid tenant, [FromQuery] string? name, HttpContext http, SluicePolicies policies, SluiceProcessor processor,
            SluiceReview review, CancellationToken ct) =>
        {
            if (!await review.SeesTenantAsync(new TenantId(tenant), http.DocumentCaller(), ct)) return SluiceApi.Problem(SluiceErrors.NotFound);
            var allowed = (await policies.GetAsync(new TenantId(tenant), ct)).AllowedKinds;
            return Results.Ok(await processor.CheckOnlyAsync(http.Request.Body, string.IsNullOrWhiteSpace(name) ? "file" : name, allowed, ct));
        }).Writes().TakesFiles(FileIntake.Screened).WithName("CheckFile");
        sluice.MapGet("/{id:guid}", async (Guid tenant, Guid id, HttpContext http, SluiceReview review, CancellationToken ct) =>
            SluiceApi.From(await review.GetAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Reads().WithName("GetQuarantined");
        sluice.MapPost("/{id:guid}/release", async (Guid tenant, Guid id, DecisionInput body, HttpContext http, SluiceReview review, CancellationToken ct) =>
            SluiceApi.From(await review.ReleaseAsync(new TenantId(tenant), id, body.Note, http.DocumentCaller(), ct))).Writes().WithName("ReleaseQuarantined");
        sluice.MapPost("/{id:guid}/block", async (Guid tenant, Guid id, DecisionInput body, HttpContext http, SluiceReview review, CancellationToken ct) =>
            SluiceApi.From(await review.BlockAsync(new TenantId(tenant), id, body.Note, http.DocumentCaller(), ct))).Writes().WithName("BlockQuarantined");
    }

    /// <summary>The kinds of file the sluice knows (for policies).</summary>
    public static IReadOnlyList<FileKind> Kinds => FileKinds.All;
}
