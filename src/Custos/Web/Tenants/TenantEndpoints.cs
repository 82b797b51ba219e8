using Custos.Core.Common;
using Custos.Core.Identity.SecurityKeys;
using Custos.Core.Tenants;
using Custos.Web.Identity;

namespace Custos.Web.Tenants;

public static class TenantEndpoints
{
    /// <summary>
    /// Tenants and projects as the caller can reach them through group grants. Another tenant's id answers 404 exactly
    /// like an id that does not exist; the refusal is recorded in the audit log.
    /// </summary>
    public static void MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/tenants").RequireAuthorization(Policies.FullSession).WithTags("Tenants");
        api.MapGet("/", async (HttpContext http, AccessPolicy policy, TenantAdministration tenants, CancellationToken ct) =>
        {
            var access = await policy.ForUserAsync(http.Session()!.UserId, ct);
            var visible = await tenants.ListVisibleAsync(access, ct);
            return Results.Ok(visible.Select(t => new TenantDto(t.Id.Value, t.Name, t.IsSensitive)));
        }).WithName("ListTenants");

        api.MapGet("/{id:guid}", async (Guid id, HttpContext http, AccessPolicy policy, TenantAdministration tenants, TimeProvider time,
            CancellationToken ct) =>
        {
            var access = await policy.ForUserAsync(http.Session()!.UserId, ct);
            var result = await tenants.GetAsync(access, new TenantId(id), http.Actor(), ct);
            if (result.Succeeded && StepUpResults.Needed(http, time, result.Value!.Tenant.IsSensitive)) return StepUpResults.Required();
            return result.Succeeded
                ? Results.Ok(new TenantDetailDto(id, result.Value!.Tenant.Name, result.Value.Tenant.IsSensitive,
                    result.Value.Projects.Select(p => new ProjectDto(p.Id.Value, p.Name, p.IsSensitive)).ToList()))
                : NotFound();
        }).WithName("GetTenant");

        api.MapGet("/{id:guid}/projects/{projectId:guid}", async (Guid id, Guid projectId, HttpContext http, AccessPolicy policy,
            TenantAdministration tenants, TimeProvider time, CancellationToken ct) =>
        {
            var access = await policy.ForUserAsync(http.Session()!.UserId, ct);
            var result = await tenants.GetProjectAsync(access, new TenantId(id), new ProjectId(projectId), http.Actor(), ct);
            if (result.Succeeded)
            {
                // Reachable project, so its tenant is reachable too; a sensitive tenant makes all its projects sensitive.
                var tenant = await tenants.GetAsync(access, new TenantId(id), http.Actor(), ct);
                if (StepUpResults.Needed(http, time, result.Value!.IsSensitive || (tenant.Succeeded && tenant.Value!.Tenant.IsSensitive)))
                    return StepUpResults.Required();
            }
            return result.Succeeded ? Results.Ok(new ProjectDto(projectId, result.Value!.Name, result.Value.IsSensitive)) : NotFound();
        }).WithName("GetProject");
    }

    private static IResult NotFound() => Results.Problem(statusCode: 404, title: "Not found", detail: TenantAdministration.NotFound.Message);

    public sealed record TenantDto(Guid Id, string Name, bool Sensitive);

    public sealed record ProjectDto(Guid Id, string Name, bool Sensitive);

    public sealed record TenantDetailDto(Guid Id, string Name, bool Sensitive, IReadOnlyList<ProjectDto> Projects);
}
