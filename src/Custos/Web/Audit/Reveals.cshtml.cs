using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Audit;

/// <summary>
/// "What did this person reveal?" (TOM 6.9): every secret that left the vault to one user, for auditors; the basis of
/// rotating credentials after someone leaves. Looking is recorded like any view of the audit log.
/// </summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class RevealsModel(VaultReports reports, AuditLog audit, IDbContextFactory<CustosDbContext> dbFactory) : PageModel
{
    public string? Person { get; private set; }
    public IReadOnlyList<RevealRecord>? Reveals { get; private set; }
    public bool UnknownUser { get; private set; }

    public async Task OnGetAsync(string? user, CancellationToken ct)
    {
        Person = string.IsNullOrWhiteSpace(user) ? null : user.Trim();
        if (Person is null) return;
        var result = await reports.ForUserAsync(Person, HttpContext.Session()!, ct);
        UnknownUser = !result.Succeeded;
        Reveals = result.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var actor = HttpContext.Actor();
        await audit.RecordAsync(db, new AuditEntry(actor.Name, "vault.report.user", Target: $"user:{Person}", ClientAddress: actor.ClientAddress,
            Details: new Dictionary<string, string?> { ["reveals"] = (Reveals?.Count ?? 0).ToString() }), ct);
    }
}
