using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;

namespace Custos.Core.Documents;

/// <summary>The documents' audit entries: successes and refusals alike.</summary>
internal static class DocumentAudit
{
    public static AuditEntry Entry(DocumentCaller caller, string action, TenantId tenant, string target, AuditOutcome outcome = AuditOutcome.Success,
        params (string Key, string? Value)[] details) =>
        new(caller.Actor.Name, action, outcome, tenant, target, caller.Actor.ClientAddress,
            details.Length == 0 ? null : details.ToDictionary(d => d.Key, d => d.Value));

    /// <summary>Records the refusal in its own transaction and hands the error back.</summary>
    public static async Task<Error> DenyAsync(AuditLog audit, CustosDbContext db, DocumentCaller caller, string action, TenantId tenant, string target,
        Error error, CancellationToken ct)
    {
        await audit.RecordAsync(db, Entry(caller, action, tenant, target, AuditOutcome.Denied, ("reason", error.Code)), ct);
        return error;
    }

    public static string DocumentTarget(Guid id) => $"document:{id}";

    public static string FolderTarget(Guid id) => $"document-folder:{id}";
}
