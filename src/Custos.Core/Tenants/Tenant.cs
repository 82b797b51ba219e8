using Custos.Core.Common;

namespace Custos.Core.Tenants;

/// <summary>A customer of the company; everything belonging to it carries its id.</summary>
public sealed class Tenant
{
    public TenantId Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
