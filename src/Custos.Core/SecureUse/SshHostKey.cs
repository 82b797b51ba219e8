using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.SecureUse;

/// <summary>
/// The host key an SSH target presented for an entry (TOM 6.9): a credential is only ever sent to a target whose key
/// was confirmed, by the entry's own "host-key" field or by a Manage holder. A key seen but not confirmed waits here.
/// </summary>
public sealed class SshHostKey
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid EntryId { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; }
    /// <summary>"SHA256:" and the unpadded base64 of the key's SHA-256, as ssh-keygen -l prints it.</summary>
    public required string Fingerprint { get; set; }
    public required string Algorithm { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public required string FirstSeenBy { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public string? ConfirmedBy { get; set; }
    /// <summary>A different key the target presented after this one was confirmed (refused until a Manage holder accepts it).</summary>
    public string? ProposedFingerprint { get; set; }
    public DateTimeOffset? ProposedAt { get; set; }
}

internal sealed class SshHostKeyConfiguration : IEntityTypeConfiguration<SshHostKey>
{
    public void Configure(EntityTypeBuilder<SshHostKey> b)
    {
        b.ToTable("ssh_host_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Host).HasMaxLength(255);
        b.Property(k => k.Fingerprint).HasMaxLength(100);
        b.Property(k => k.Algorithm).HasMaxLength(100);
        b.Property(k => k.FirstSeenBy).HasMaxLength(200);
        b.Property(k => k.ConfirmedBy).HasMaxLength(200);
        b.Property(k => k.ProposedFingerprint).HasMaxLength(100);
        // One key per target of an entry: a new key is a mismatch, never a second pin.
        b.HasIndex(k => new { k.EntryId, k.Host, k.Port }).IsUnique();
        b.HasIndex(k => k.TenantId);
    }
}
