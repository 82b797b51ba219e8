using System.Globalization;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Web.Identity;

namespace Custos.Web.Audit;

public static class AuditEndpoints
{
    /// <summary>The export download of the audit page and the JSON API; auditors only, and both are themselves audited.</summary>
    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/export", async (HttpContext http, AuditQuery query, string? actor, string? action, string? tenant,
            string? since, string? until, CancellationToken ct) =>
        {
            if (!TryFilter(actor, action, tenant, since, until, out var filter, out var problem)) return problem!;
            http.Response.ContentType = "application/x-ndjson; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"custos-audit.jsonl\"";
            http.Response.Headers.CacheControl = "no-store";
            await AuditJson.WriteLinesAsync(query.ExportAsync(filter, http.Actor(), ct), http.Response.Body, ct);
            return Results.Empty;
        }).RequireAuthorization(Policies.Auditor).ExcludeFromDescription();

        var api = app.MapGroup("/api/v1/audit").RequireAuthorization(Policies.Auditor).WithTags("Audit");
        api.MapGet("/events", async (HttpContext http, AuditQuery query, string? actor, string? action, string? tenant,
            string? since, string? until, int? page, int? pageSize, CancellationToken ct) =>
        {
            if (!TryFilter(actor, action, tenant, since, until, out var filter, out var problem)) return problem!;
            var result = await query.ReadPageAsync(filter, page ?? 1, pageSize ?? 50, http.Actor(), ct);
            using var buffer = new MemoryStream();
            await using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteNumber("page", result.Page);
                w.WriteNumber("pageSize", result.PageSize);
                w.WriteBoolean("hasMore", result.HasMore);
                w.WriteStartArray("events");
                foreach (var e in result.Events) AuditJson.Write(w, e);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return Results.Bytes(buffer.ToArray(), "application/json");
        }).WithName("ListAuditEvents");
    }

    internal static bool TryFilter(string? actor, string? action, string? tenant, string? since, string? until,
        out AuditFilter filter, out IResult? problem)
    {
        filter = new AuditFilter();
        problem = null;
        TenantId? tenantId = null;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            if (!Guid.TryParse(tenant, out var g)) { problem = Bad("tenant", "a tenant id"); return false; }
            tenantId = new TenantId(g);
        }
        if (!TryTime(since, out var s)) { problem = Bad("since", "a date or time (ISO 8601)"); return false; }
        if (!TryTime(until, out var u)) { problem = Bad("until", "a date or time (ISO 8601)"); return false; }
        filter = new AuditFilter(actor, action, tenantId, s, u);
        return true;
    }

    internal static bool TryTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return false;
        time = t;
        return true;
    }

    private static IResult Bad(string field, string expected) =>
        Results.Problem(statusCode: 400, title: "Invalid filter", detail: $"'{field}' must be {expected}.");
}
