using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Administration;

/// <summary>The access overview: who can reach tenant X, and what can user Y reach, with the group that opens it.</summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class AccessModel(AccessPolicy policy, TenantAdministration tenants, UserAdministration users) : PageModel
{
    public IReadOnlyList<Tenant> AllTenants { get; private set; } = [];
    public IReadOnlyList<UserSummary> AllUsers { get; private set; } = [];
    public Guid? Tenant { get; private set; }
    public new string? User { get; private set; }
    public IReadOnlyList<ReachEntry>? Entries { get; private set; }

    public async Task OnGetAsync(Guid? tenant, string? user, CancellationToken ct)
    {
        AllTenants = await tenants.ListAllAsync(ct);
        AllUsers = await users.ListAsync(ct);
        (Tenant, User) = (tenant, user);
        if (tenant is { } t) Entries = await policy.WhoCanReachAsync(new TenantId(t), ct);
        else if (AllUsers.FirstOrDefault(u => u.UserName == user) is { } u) Entries = await policy.WhatCanReachAsync(u.Id, ct);
    }
}
