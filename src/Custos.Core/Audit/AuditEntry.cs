using Custos.Core.Common;

namespace Custos.Core.Audit;

/// <summary>What an operation asks the audit log to record.</summary>
public sealed record AuditEntry(
    string Actor,
    string Action,
    AuditOutcome Outcome = AuditOutcome.Success,
    TenantId? Tenant = null,
    string? Target = null,
    string? ClientAddress = null,
    IReadOnlyDictionary<string, string?>? Details = null);

/// <summary>Who acts and from where; passed from the edge (HTTP or command line) into operations.</summary>
public sealed record Actor(string Name, string? ClientAddress)
{
    public static Actor CommandLine() => new($"cli:{Environment.UserName}", "local");
}
