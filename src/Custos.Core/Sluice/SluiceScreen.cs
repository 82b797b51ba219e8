using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sluice;

/// <summary>
/// The sluice for files that are used at once rather than kept as documents (vault attachments, files copied to a
/// server): the same checks run on the file before anything else sees it, and only a file that passes is handed on.
/// A file the checks flag is refused with its reason (it can come in as a document, where reviewers decide); while the
/// virus scanner is unavailable nothing passes. Every screening is audited.
/// </summary>
public sealed class SluiceScreen(IDbContextFactory<CustosDbContext> dbFactory, SluiceProcessor processor, AuditLog audit)
{
    public static readonly Error Unavailable = new("sluice.unavailable",
        "The virus scanner cannot be reached, so the file cannot be checked; nothing was stored. Try again later.");

    public static Error Blocked(SluiceProcessor.CheckReport report) => new("sluice.blocked",
        $"The sluice did not pass the file ({report.Reason}): " +
        (report.Checks.FirstOrDefault(c => c.Code == report.Reason)?.Detail ?? report.Verdict));

    /// <summary>Checks <paramref name="content"/> (named <paramref name="fileName"/>) for <paramref name="route"/>; the report when it passes.</summary>
    /// <remarks><paramref name="use"/>, when given, gets the checked file only if it passed (read from the sluice's copy).</remarks>
    public async Task<Result<SluiceProcessor.CheckReport>> ScreenAsync(TenantId tenant, Stream content, string fileName, string route, Actor actor,
        Func<Stream, CancellationToken, Task>? use = null, CancellationToken ct = default)
    {
        IReadOnlyCollection<string> allowed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            allowed = SluicePolicies.AllowedKinds(await db.SluicePolicies.AsNoTracking().SingleOrDefaultAsync(p => p.TenantId == tenant, ct));
        var report = await processor.CheckOnlyAsync(content, fileName, allowed, use, ct);
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
            await audit.RecordAsync(db, new AuditEntry(actor.Name, "sluice.screen", report.Verdict == "pass" ? AuditOutcome.Success : AuditOutcome.Denied, tenant,
                route, actor.ClientAddress, new Dictionary<string, string?>
                {
                    ["name"] = fileName, ["sha256"] = report.Sha256, ["size"] = report.Size.ToString(), ["verdict"] = report.Verdict,
                    ["reason"] = report.Reason, ["checks"] = SluiceRecord.Summary(report.Checks), ["engine"] = report.Engine,
                }), CancellationToken.None);
        return report.Verdict switch
        {
            "pass" => report,
            "pending" => Unavailable,
            _ => Blocked(report),
        };
    }
}
