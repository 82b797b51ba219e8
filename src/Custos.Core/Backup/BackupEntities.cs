using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Backup;

/// <summary>Whether a repository holds the daily copies on site or the copy kept elsewhere (TOM 10.2, "3-2-1").</summary>
public enum BackupRole
{
    Local = 1,
    Offsite = 2,
}

/// <summary>
/// A restic repository Custos backs up into. The repository password and backend credentials are sealed with the system
/// tenant's data key (<see cref="Secrets"/>): they exist in the clear only in memory and, for the moment restic reads
/// it, in a file on a memory file system.
/// </summary>
public sealed class BackupTarget
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>restic's repository string: a path, "sftp:user@host:/path", "rest:https://…", "s3:…".</summary>
    public required string Repository { get; set; }
    public BackupRole Role { get; set; }
    /// <summary>restic's extended options ("-o key=value"), one per line; never secrets.</summary>
    public string Options { get; set; } = "";
    /// <summary>Repository password and backend environment, sealed (FieldCipher, system tenant).</summary>
    public required byte[] Secrets { get; set; }
    /// <summary>Cron expression (five fields, server local time) of the runs.</summary>
    public required string Schedule { get; set; }
    public int KeepDaily { get; set; }
    public int KeepWeekly { get; set; }
    public int KeepMonthly { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Which of the seven data subsets the next verification reads (1–7).</summary>
    public int NextSubset { get; set; } = 1;
    public DateTimeOffset? LastFullCheckAt { get; set; }
    /// <summary>The newest erasure journal entry known to be stored in this repository (null: none yet).</summary>
    public DateTimeOffset? JournalStoredThrough { get; set; }
    /// <summary>When `forget --prune` last ran (null: never, on a repository that may hold older snapshots); once a day is enough.</summary>
    public DateTimeOffset? RetentionAppliedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>Bumped on every change; part of the sealed secrets' context so a row's secrets cannot be moved to another.</summary>
    public int RowVersion { get; set; }
}

public enum BackupRunKind
{
    Backup = 1,
    Verify = 2,
    Drill = 3,
    Restore = 4,
}

public enum BackupOutcome
{
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>One backup, verification, drill or restore against a target, with its figures: the evidence for TOM 10.2 and 10.3.</summary>
public sealed class BackupRun
{
    public Guid Id { get; set; }
    public Guid TargetId { get; set; }
    public required string TargetName { get; set; }
    public BackupRunKind Kind { get; set; }
    /// <summary>"schedule", "manual", "cli", or what started it.</summary>
    public required string Trigger { get; set; }
    /// <summary>The schedule occurrence this run stands for (null: not scheduled).</summary>
    public DateTimeOffset? ScheduledFor { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public BackupOutcome Outcome { get; set; }
    public string? SnapshotId { get; set; }
    public long Files { get; set; }
    public long Bytes { get; set; }
    public long AddedBytes { get; set; }
    public long DurationMs { get; set; }
    /// <summary>Verification: "3/7", "full"; drill: what was checked.</summary>
    public string? Scope { get; set; }
    /// <summary>The report (JSON): a drill's counts, a verification's damaged packs and affected snapshots.</summary>
    public string? Report { get; set; }
    public string? Error { get; set; }
}

/// <summary>Something an administrator must see on the start page and act on: a failed or missed run, a failed check or drill.</summary>
public sealed class BackupAlarm
{
    public Guid Id { get; set; }
    public Guid? TargetId { get; set; }
    public required string TargetName { get; set; }
    /// <summary>"failed", "missed", "verify", "drill", "journal".</summary>
    public required string Kind { get; set; }
    public required string Message { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
    public string? ClearedBy { get; set; }
}

/// <summary>
/// One destroyed document (its content keys deleted): kept in the live database and, as its own object, in every target,
/// so that a restore of an older backup erases it again before the restored instance serves anything (GDPR Art. 17).
/// Holds ids and checksums only, no names: the journal itself must not keep what was erased.
/// </summary>
public sealed class ErasureJournalEntry
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid DocumentId { get; set; }
    /// <summary>"number:sha256" of each destroyed version, as in the audit event.</summary>
    public required string Versions { get; set; }
    /// <summary>The action that destroyed it: document.erase, document.retention_delete, …</summary>
    public required string Trigger { get; set; }
    public DateTimeOffset ErasedAt { get; set; }
}

internal sealed class BackupTargetConfiguration : IEntityTypeConfiguration<BackupTarget>
{
    public void Configure(EntityTypeBuilder<BackupTarget> b)
    {
        b.ToTable("backup_targets");
        b.HasKey(t => t.Id);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Repository).HasMaxLength(1000);
        b.Property(t => t.Options).HasMaxLength(4000);
        b.Property(t => t.Schedule).HasMaxLength(100);
        b.Property(t => t.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.CreatedBy).HasMaxLength(200);
    }
}

internal sealed class BackupRunConfiguration : IEntityTypeConfiguration<BackupRun>
{
    public void Configure(EntityTypeBuilder<BackupRun> b)
    {
        b.ToTable("backup_runs");
        b.HasKey(r => r.Id);
        b.HasIndex(r => new { r.TargetId, r.Kind, r.StartedAt });
        b.HasIndex(r => r.StartedAt);
        b.Property(r => r.TargetName).HasMaxLength(100);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Trigger).HasMaxLength(100);
        b.Property(r => r.SnapshotId).HasMaxLength(64);
        b.Property(r => r.Scope).HasMaxLength(100);
        b.Property(r => r.Error).HasMaxLength(2000);
    }
}

internal sealed class BackupAlarmConfiguration : IEntityTypeConfiguration<BackupAlarm>
{
    public void Configure(EntityTypeBuilder<BackupAlarm> b)
    {
        b.ToTable("backup_alarms");
        b.HasKey(a => a.Id);
        b.HasIndex(a => new { a.ClearedAt, a.RaisedAt });
        b.Property(a => a.TargetName).HasMaxLength(100);
        b.Property(a => a.Kind).HasMaxLength(20);
        b.Property(a => a.Message).HasMaxLength(2000);
        b.Property(a => a.ClearedBy).HasMaxLength(200);
    }
}

internal sealed class ErasureJournalConfiguration : IEntityTypeConfiguration<ErasureJournalEntry>
{
    public void Configure(EntityTypeBuilder<ErasureJournalEntry> b)
    {
        b.ToTable("erasure_journal");
        b.HasKey(e => e.Id);
        b.HasIndex(e => e.ErasedAt);
        b.HasIndex(e => e.DocumentId);
        b.Property(e => e.Trigger).HasMaxLength(60);
    }
}
