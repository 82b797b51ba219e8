using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.SecureUse.Web;

/// <summary>One web session through Custos's proxy: who, which entry and target, why, when, and how it ended.</summary>
public sealed class WebSessionRecord
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid EntryId { get; set; }
    public UserId UserId { get; set; }
    public required string Actor { get; set; }
    /// <summary>user@scheme://host:port of the target.</summary>
    public required string Target { get; set; }
    /// <summary>The reason or ticket number given when it was opened.</summary>
    public string? Reason { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>Null while the session is live (or when the node stopped without ending it).</summary>
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>"timeout", "idle", "terminated", "closed", "shutdown", "login_failed", "unreachable".</summary>
    public string? EndReason { get; set; }
    public long Requests { get; set; }
    public long BytesOut { get; set; }
}

internal sealed class WebSessionRecordConfiguration : IEntityTypeConfiguration<WebSessionRecord>
{
    public void Configure(EntityTypeBuilder<WebSessionRecord> b)
    {
        b.ToTable("web_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Actor).HasMaxLength(200);
        b.Property(s => s.Target).HasMaxLength(600);
        b.Property(s => s.Reason).HasMaxLength(500);
        b.Property(s => s.EndReason).HasMaxLength(20);
        b.HasIndex(s => new { s.TenantId, s.EntryId, s.StartedAt });
    }
}
