using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.SecureUse;

/// <summary>
/// One interactive SSH session through Custos: who, which entry and target, when, how it ended, and its recording
/// (asciicast v2, encrypted like document content with a key of its own wrapped by the tenant key), until its retention
/// runs out.
/// </summary>
public sealed class SshSessionRecord
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid EntryId { get; set; }
    public UserId UserId { get; set; }
    public required string Actor { get; set; }
    public required string Target { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    /// <summary>"closed" (by either side), "terminated" (by an administrator), "timeout", "idle", "failed".</summary>
    public required string EndReason { get; set; }
    public long BytesOut { get; set; }
    public long BytesIn { get; set; }
    public string? RecordingAddress { get; set; }
    public byte[]? RecordingKey { get; set; }
    public byte[]? RecordingSha256 { get; set; }
    public long RecordingSize { get; set; }
    /// <summary>The recording holds what the user typed ("i" events), as the folder's policy said at the start.</summary>
    public bool InputRecorded { get; set; }
    /// <summary>
    /// The first day the recording may go, from the folder policy's retention class at the start; null: kept. The
    /// sweep then destroys it (key and blob) and keeps this record.
    /// </summary>
    public DateOnly? RetainUntil { get; set; }
    /// <summary>When the retention sweep destroyed the recording (its address and key are gone, its checksum stays).</summary>
    public DateTimeOffset? RecordingExpiredAt { get; set; }
}

internal sealed class SshSessionRecordConfiguration : IEntityTypeConfiguration<SshSessionRecord>
{
    public void Configure(EntityTypeBuilder<SshSessionRecord> b)
    {
        b.ToTable("ssh_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Actor).HasMaxLength(200);
        b.Property(s => s.Target).HasMaxLength(400);
        b.Property(s => s.EndReason).HasMaxLength(20);
        b.Property(s => s.RecordingAddress).HasMaxLength(64);
        b.HasIndex(s => new { s.TenantId, s.EntryId, s.StartedAt });
        b.HasIndex(s => s.RecordingAddress);
        b.HasIndex(s => s.RetainUntil);
    }
}
