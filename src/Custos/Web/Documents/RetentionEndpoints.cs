using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Documents;

/// <summary>
/// Retention (TOM 7.5) and legal holds in the document API: labels, folder defaults, deletion, holds under
/// /api/v1/tenants/{tenant}/documents, and the installation's retention classes under /api/v1/retention-classes.
/// </summary>
public static class RetentionEndpoints
{
    /// <param name="ClassId">The label (null: the folder's default applies).</param>
    /// <param name="DocumentDate">The date retention counts from (null: unchanged).</param>
    public sealed record LabelInput(Guid? ClassId, DateOnly? DocumentDate);

    public sealed record FolderRetentionInput(Guid? ClassId);

    public static void MapRetentionEndpoints(this IEndpointRouteBuilder app)
    {
        var docs = app.MapGroup("/api/v1/tenants/{tenant:guid}/documents").RequireAuthorization(Policies.FullSession).WithTags("Documents");

        docs.MapPut("/{id:guid}/label", async (Guid tenant, Guid id, LabelInput body, HttpContext http, DocumentRetention retention, CancellationToken ct) =>
            RetentionApi.From(await retention.LabelAsync(new TenantId(tenant), id, body.ClassId, body.DocumentDate, http.DocumentCaller(), ct)))
            .Writes().WithName("LabelDocument");
        docs.MapDelete("/{id:guid}", async (Guid tenant, Guid id, HttpContext http, DocumentDeletion deletion, CancellationToken ct) =>
            RetentionApi.From(await deletion.DeleteAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Writes().WithName("DeleteDocument");
        docs.MapPut("/folders/{id:guid}/retention", async (Guid tenant, Guid id, FolderRetentionInput body, HttpContext http, DocumentRetention retention,
                CancellationToken ct) =>
            RetentionApi.From(await retention.SetFolderClassAsync(new TenantId(tenant), id, body.ClassId, http.DocumentCaller(), ct)))
            .Writes().WithName("SetFolderRetention");

        docs.MapGet("/holds", async (Guid tenant, [FromQuery] bool? released, HttpContext http, LegalHolds holds, CancellationToken ct) =>
            RetentionApi.From(await holds.ListAsync(new TenantId(tenant), released ?? false, http.DocumentCaller(), ct))).Reads().WithName("ListLegalHolds");
        docs.MapPost("/holds", async (Guid tenant, HoldInput body, HttpContext http, LegalHolds holds, CancellationToken ct) =>
            RetentionApi.From(await holds.PlaceAsync(new TenantId(tenant), body, http.DocumentCaller(), ct))).Writes().WithName("PlaceLegalHold");
        docs.MapPost("/holds/{id:guid}/release", async (Guid tenant, Guid id, HttpContext http, LegalHolds holds, CancellationToken ct) =>
            RetentionApi.From(await holds.ReleaseAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Writes().WithName("ReleaseLegalHold");

        // Classes belong to the installation: anyone with document access lists them to pick a label; administrators change them.
        var classes = app.MapGroup("/api/v1/retention-classes").RequireAuthorization(Policies.FullSession).WithTags("Retention");
        classes.MapGet("", async (RetentionClasses all, CancellationToken ct) => Results.Ok(await all.ListAsync(ct))).Reads().WithName("ListRetentionClasses");
        classes.MapPost("", async (RetentionClassInput body, HttpContext http, RetentionClasses all, CancellationToken ct) =>
            RetentionApi.From(await all.CreateAsync(body, http.DocumentCaller(), ct))).Writes().WithName("CreateRetentionClass");
        classes.MapPut("/{id:guid}", async (Guid id, RetentionClassInput body, HttpContext http, RetentionClasses all, CancellationToken ct) =>
            RetentionApi.From(await all.UpdateAsync(id, body, http.DocumentCaller(), ct))).Writes().WithName("UpdateRetentionClass");
    }
}
