using Custos.Core.Common;

namespace Custos.Core.Tenants;

/// <summary>A customer of the company; everything belonging to it carries its id.</summary>
public sealed class Tenant
{
    public TenantId Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Acting here needs a security-key step-up within the last 15 minutes (TOM 6.4 third factor).</summary>
    public bool IsSensitive { get; set; }
}

/// <summary>A project inside a tenant: a narrower security boundary for grants.</summary>
public sealed class Project
{
    public ProjectId Id { get; set; }
    public TenantId TenantId { get; set; }
    public required string Name { get; set; }
    public bool IsSensitive { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A group's access to a whole tenant (ProjectId null) or to one project of it.</summary>
public sealed class TenantGrant
{
    public Guid Id { get; set; }
    public GroupId GroupId { get; set; }
    public TenantId TenantId { get; set; }
    public ProjectId? ProjectId { get; set; }
    /// <summary>What the group may do with the documents it reaches through this grant (reading at least).</summary>
    public Documents.DocumentRights DocumentRights { get; set; } = Documents.DocumentRights.Read;
    public DateTimeOffset GrantedAt { get; set; }
    public required string GrantedBy { get; set; }
}
