using Custos.Core.Common;
using Custos.Core.Vault;
using Custos.Core.Vault.Generator;
using Custos.Web.Identity;

namespace Custos.Web.Vault;

/// <summary>Rights, access requests, reports and the generator.</summary>
public static class VaultRightsEndpoints
{
    public sealed record GrantRequest(Guid? Folder, Guid? Entry, string? Group, string? User, VaultRights Rights, DateTimeOffset? NotBefore,
        DateTimeOffset? NotAfter);

    /// <param name="Kind">Read (the default) or Session: approval of SSH use where the folder's policy asks for it.</param>
    public sealed record AccessRequestInput(int Hours, string? Reason, AccessRequestKind? Kind = null);

    public sealed record GenerateRequest(string? Mode, int? Length, bool? Upper, bool? Lower, bool? Digits, bool? Symbols, string? Exclude,
        bool? ExcludeAmbiguous, int? Words, string? Separator, string? Language);

    public sealed record Generated(string Value, double EntropyBits);

    internal static void MapVaultRightsEndpoints(this RouteGroupBuilder vault)
    {
        vault.MapGet("/grants", async (Guid tenant, Guid? folder, Guid? entry, HttpContext http, VaultGrants grants, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await grants.ListAsync(new TenantId(tenant), new GrantTarget(entry is null ? folder : null, entry), http.Caller(time), ct)))
            .Reads().WithName("ListVaultGrants");
        vault.MapPost("/grants", async (Guid tenant, GrantRequest body, HttpContext http, VaultGrants grants, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await grants.AddAsync(new TenantId(tenant), new GrantTarget(body.Entry is null ? body.Folder : null, body.Entry),
                new PermissionInput(body.Group, body.User, body.Rights, body.NotBefore, body.NotAfter), http.Caller(time), ct), id => new { id }))
            .Writes().WithName("AddVaultGrant");
        vault.MapDelete("/grants/{id:guid}", async (Guid tenant, Guid id, HttpContext http, VaultGrants grants, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await grants.RevokeAsync(new TenantId(tenant), id, http.Caller(time), ct))).Writes().WithName("RevokeVaultGrant");

        vault.MapPost("/entries/{id:guid}/access-requests", async (Guid tenant, Guid id, AccessRequestInput body, HttpContext http,
            VaultAccessRequests requests, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await requests.RequestAsync(new TenantId(tenant), id, body.Hours, body.Reason, http.Caller(time), ct, body.Kind ?? AccessRequestKind.Read), rid => new { id = rid }))
            .Writes().WithName("RequestVaultAccess");
        vault.MapGet("/access-requests", async (Guid tenant, HttpContext http, VaultAccessRequests requests, TimeProvider time, CancellationToken ct) =>
            Results.Ok(await requests.ListAsync(new TenantId(tenant), http.Caller(time), ct))).Reads().WithName("ListVaultAccessRequests");
        vault.MapPost("/access-requests/{id:guid}/{decision:regex(^(approve|deny)$)}", async (Guid tenant, Guid id, string decision, HttpContext http,
            VaultAccessRequests requests, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await requests.DecideAsync(new TenantId(tenant), id, decision == "approve", http.Caller(time), ct)))
            .Writes().WithName("DecideVaultAccessRequest");

        vault.MapGet("/entries/{id:guid}/report", async (Guid tenant, Guid id, HttpContext http, VaultReports reports, TimeProvider time,
            CancellationToken ct) =>
            VaultApi.From(await reports.ForEntryAsync(new TenantId(tenant), id, http.Caller(time), ct), r => new
            {
                r.EntryId, r.Title, r.PasswordChangedAt,
                access = r.Access.Select(a => new { user = a.User, rights = a.Rights }),
                revealsSinceChange = r.RevealsSinceChange,
            })).Reads().WithName("VaultEntryReport");
        vault.MapGet("/expiring", async (Guid tenant, HttpContext http, VaultReports reports, TimeProvider time, CancellationToken ct) =>
            Results.Ok(await reports.ExpiringAsync(new TenantId(tenant), http.Caller(time), ct))).Reads().WithName("ListExpiringVaultEntries");
    }

    internal static void MapVaultGlobalEndpoints(this IEndpointRouteBuilder app)
    {
        var global = app.MapGroup("/api/v1/vault").RequireAuthorization(Policies.FullSession).WithTags("Vault");
        global.MapPost("/generate", (GenerateRequest body) =>
        {
            var result = body.Mode == "passphrase"
                ? PasswordGenerator.GeneratePassphrase(new PassphraseOptions
                {
                    Words = body.Words ?? new PassphraseOptions().Words, Separator = body.Separator ?? "-", Language = body.Language ?? "en",
                })
                : PasswordGenerator.Generate(new GeneratorOptions
                {
                    Length = body.Length ?? new GeneratorOptions().Length, Upper = body.Upper ?? true, Lower = body.Lower ?? true,
                    Digits = body.Digits ?? true, Symbols = body.Symbols ?? true, Exclude = body.Exclude ?? "", ExcludeAmbiguous = body.ExcludeAmbiguous ?? false,
                });
            return result.Succeeded
                ? Results.Ok(new Generated(result.Value!.Value, Math.Round(result.Value.EntropyBits, 1)))
                : Results.Problem(statusCode: 400, title: result.Error!.Message, extensions: new Dictionary<string, object?> { ["code"] = result.Error.Code });
        }).Reads().WithName("GeneratePassword");
        global.MapGet("/reveals", async (string user, HttpContext http, VaultReports reports, CancellationToken ct) =>
            VaultApi.From(await reports.ForUserAsync(user, http.Session()!, ct))).RequireAuthorization(Policies.Auditor).WithName("VaultRevealsByUser");
    }
}
