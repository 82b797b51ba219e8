using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// The check every web session passes, the same as SSH use (<see cref="SshAccess"/>): the entry of this tenant through
/// the caller's grants with Use, a fresh step-up in a sensitive folder, a web target, and the folder's session policy
/// (hours, reason). Out of reach answers "not found", in reach without the right "forbidden"; refusals are recorded.
/// </summary>
internal static class WebAccess
{
    public static async Task<Result<(VaultEntry Entry, WebTarget Target, FolderPolicy Policy)>> AdmitAsync(CustosDbContext db, VaultAccessCache accessCache,
        AuditLog audit, TenantId tenant, Guid entryId, VaultCaller caller, string action, string? reason, TimeProvider time, CancellationToken ct)
    {
        var stamp = caller.RightsStamp ?? await accessCache.ReadStampAsync(db);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, stamp);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        var subject = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Use)) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp)
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.StepUpRequired, ct);
        var target = WebTarget.Of(entry);
        if (!target.Succeeded) return target.Error!;
        var policy = VaultEntries.FolderPolicyOf(await VaultEntries.PolicyChainAsync(db, entry.FolderId, ct));
        var now = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), time.LocalTimeZone).DateTime);
        if (!policy.AllowsSessionAt(now))
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, WebErrors.OutsideHours(policy.SessionHours!), ct);
        if (policy.SessionReasonRequired && string.IsNullOrWhiteSpace(reason))
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, WebErrors.ReasonRequired, ct);
        // Approval as for SSH use: an approved session request of the caller, unless the caller manages the entry.
        if (policy.SessionApprovalRequired && !rights.Allows(VaultRights.Manage)
            && !await VaultAccessRequests.SessionApprovedAsync(db, tenant, entryId, caller.User, time.StoredNow(), ct))
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, SshErrors.ApprovalRequired, ct);
        return (entry, target.Value!, policy);
    }
}
