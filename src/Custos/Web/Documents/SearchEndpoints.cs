using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Documents;

/// <summary>Tags, search and GDPR erasure requests in the document API, under /api/v1/tenants/{tenant}/documents.</summary>
public static class SearchEndpoints
{
    public sealed record TagsInput(IReadOnlyList<string?>? Tags);

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var docs = app.MapGroup("/api/v1/tenants/{tenant:guid}/documents").RequireAuthorization(Policies.FullSession).WithTags("Documents");

        docs.MapPut("/{id:guid}/tags", async (Guid tenant, Guid id, TagsInput body, HttpContext http, DocumentTagging tagging, CancellationToken ct) =>
            DocumentApi.From(await tagging.SetAsync(new TenantId(tenant), id, body.Tags, http.DocumentCaller(), ct))).Writes().WithName("TagDocument");

        docs.MapGet("/search", async (Guid tenant, [FromQuery] string? q, [FromQuery] string? name, [FromQuery] Guid? folder, [FromQuery] Guid? label,
                [FromQuery] string? tag, [FromQuery] string? author, [FromQuery] DateOnly? from, [FromQuery] DateOnly? to, [FromQuery] string? retention,
                [FromQuery] int? limit, HttpContext http, DocumentSearch search, CancellationToken ct) =>
            DocumentApi.From(await search.SearchAsync(new TenantId(tenant), new SearchInput(q, name, folder, label, tag, author, from, to, retention, limit),
                http.DocumentCaller(), ct))).Reads().WithName("SearchDocuments");

        docs.MapPost("/erasures", async (Guid tenant, ErasureInput body, HttpContext http, DocumentErasure erasure, CancellationToken ct) =>
            DocumentApi.From(await erasure.RequestAsync(new TenantId(tenant), body, http.DocumentCaller(), ct))).Writes().WithName("RequestErasure");
        docs.MapGet("/erasures", async (Guid tenant, HttpContext http, DocumentErasure erasure, CancellationToken ct) =>
            DocumentApi.From(await erasure.ListAsync(new TenantId(tenant), http.DocumentCaller(), ct))).Reads().WithName("ListErasures");
        docs.MapGet("/erasures/{id:guid}", async (Guid tenant, Guid id, HttpContext http, DocumentErasure erasure, CancellationToken ct) =>
            DocumentApi.From(await erasure.ReportAsync(new TenantId(tenant), id, http.DocumentCaller(), ct))).Reads().WithName("ErasureReport");
    }
}
