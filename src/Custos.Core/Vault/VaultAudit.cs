using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;

namespace Custos.Core.Vault;

/// <summary>The vault's audit entries: one shape for successes and for refusals (which are recorded too).</summary>
internal static class VaultAudit
{
    public static AuditEntry Entry(VaultCaller caller, string action, TenantId tenant, string target, AuditOutcome outcome = AuditOutcome.Success,
        params (string Key, string? Value)[] details) =>
        new(caller.Actor.Name, action, outcome, tenant, target, caller.Actor.ClientAddress,
            details.Length == 0 ? null : details.ToDictionary(d => d.Key, d => d.Value));

    /// <summary>Records the refusal in its own transaction and hands the error back.</summary>
    public static async Task<Error> DenyAsync(AuditLog audit, CustosDbContext db, VaultCaller caller, string action, TenantId tenant, string target,
        Error error, CancellationToken ct)
    {
        await audit.RecordAsync(db, Entry(caller, action, tenant, target, AuditOutcome.Denied, ("reason", error.Code)), ct);
        return error;
    }

    public static string EntryTarget(Guid id) => $"entry:{id}";

    public static string FolderTarget(Guid? id) => id is null ? "vault-root" : $"folder:{id}";
}
