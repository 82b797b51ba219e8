using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.SecureUse.Web;

/// <summary>One request of a web session: method, path (never the query, which may carry tokens), status and size; no bodies.</summary>
public sealed class WebRequestRecord
{
    public const int MaxPath = 1000;

    public long Id { get; set; }
    public Guid SessionId { get; set; }
    public TenantId TenantId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Method { get; set; }
    public required string Path { get; set; }
    public int Status { get; set; }
    /// <summary>Bytes of the response body sent to the browser.</summary>
    public long Bytes { get; set; }
}

internal sealed class WebRequestRecordConfiguration : IEntityTypeConfiguration<WebRequestRecord>
{
    public void Configure(EntityTypeBuilder<WebRequestRecord> b)
    {
        b.ToTable("web_requests");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.Property(r => r.Method).HasMaxLength(16);
        b.Property(r => r.Path).HasMaxLength(WebRequestRecord.MaxPath);
        b.HasIndex(r => new { r.TenantId, r.SessionId, r.At });
    }
}
