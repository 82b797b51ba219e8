using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.SecureUse;

/// <summary>
/// The check every SSH use passes: the entry of this tenant, reached through the caller's vault grants, with the right
/// the operation needs (Use to log in, Manage to confirm a host key), a fresh step-up in a sensitive folder, and an SSH
/// target. Out of reach answers "not found", in reach without the right "forbidden"; both are recorded.
/// </summary>
internal static class SshAccess
{
    public static async Task<Result<(VaultEntry Entry, SshTarget Target)>> AdmitAsync(CustosDbContext db, VaultAccessCache accessCache, AuditLog audit,
        TenantId tenant, Guid entryId, VaultCaller caller, VaultRights needed, string action, TimeProvider time, CancellationToken ct)
    {
        var stamp = caller.RightsStamp ?? await accessCache.ReadStampAsync(db);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, stamp);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        var subject = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.NotFound, ct);
        if (!rights.Allows(needed)) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp)
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.StepUpRequired, ct);
        if (SshTarget.Of(entry) is not { } target) return SshErrors.NotSsh;
        return (entry, target);
    }

    /// <summary>
    /// Admits a use (Use on an SSH entry) under its folder's session policy (hours, reason) and builds the entry's login
    /// from its decrypted secrets. Refusals by policy are recorded like every other.
    /// </summary>
    public static async Task<Result<(SshTarget Target, SshLogin Login, FolderPolicy Policy)>> LoginAsync(CustosDbContext db, VaultAccessCache accessCache,
        AuditLog audit, SecretSealer sealer, TenantId tenant, Guid entryId, VaultCaller caller, string action, string? reason, TimeProvider time,
        CancellationToken ct)
    {
        var admitted = await AdmitAsync(db, accessCache, audit, tenant, entryId, caller, VaultRights.Use, action, time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var (entry, target) = admitted.Value;
        var policy = VaultEntries.FolderPolicyOf(await VaultEntries.PolicyChainAsync(db, entry.FolderId, ct));
        var subject = VaultAudit.EntryTarget(entryId);
        var now = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), time.LocalTimeZone).DateTime);
        if (!policy.AllowsSessionAt(now))
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, SshErrors.OutsideHours(policy.SessionHours!), ct);
        if (policy.SessionReasonRequired && string.IsNullOrWhiteSpace(reason))
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, SshErrors.ReasonRequired, ct);
        if (policy.SessionApprovalRequired && !await ManagesAsync(db, accessCache, tenant, entry, caller, time, ct)
            && !await VaultAccessRequests.SessionApprovedAsync(db, tenant, entryId, caller.User, time.StoredNow(), ct))
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, SshErrors.ApprovalRequired, ct);
        var bundle = await sealer.OpenAsync(tenant, entry.Id, VaultEntries.SecretsField, entry.Version, entry.Secrets, ct);
        var login = SshLogin.From(target, bundle);
        return login.Succeeded ? (target, login.Value!, policy) : login.Error!;
    }

    /// <summary>Manage holders decide session requests, so they need no approval of their own (the rights are cached).</summary>
    private static async Task<bool> ManagesAsync(CustosDbContext db, VaultAccessCache accessCache, TenantId tenant, VaultEntry entry, VaultCaller caller,
        TimeProvider time, CancellationToken ct)
    {
        var stamp = caller.RightsStamp ?? await accessCache.ReadStampAsync(db);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, stamp);
        return access.OnEntry(entry).Allows(VaultRights.Manage);
    }
}
