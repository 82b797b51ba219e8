using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Custos.Core.Audit;
using Custos.Core.Backup.Restic;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>What an administrator gives to add a target. A null password means: generate one (it is in the recovery kit).</summary>
public sealed record BackupTargetInput(string Name, string Repository, BackupRole Role, IReadOnlyList<string>? Options = null,
    string? Password = null, IReadOnlyDictionary<string, string>? Environment = null, string? Schedule = null,
    ResticRetention? Retention = null, bool Existing = false);

/// <summary>The restic repositories Custos backs up into: added (initialised, or attached with their password), listed, checked.</summary>
public sealed partial class BackupTargets(IDbContextFactory<CustosDbContext> dbFactory, Keyring keyring, AuditLog audit, BackupOptions options, TimeProvider time)
{
    public async Task<Result<BackupTarget>> AddAsync(BackupTargetInput input, Actor actor, CancellationToken ct = default)
    {
        var name = input.Name?.Trim() ?? "";
        if (!NamePattern().IsMatch(name)) return BackupErrors.Invalid("A target name has 1–100 letters, digits, '.', '-' or '_'.");
        var repository = input.Repository?.Trim() ?? "";
        if (repository.Length is 0 or > 1000) return BackupErrors.Invalid("Name the repository: a path, sftp:user@host:/path, or any location restic supports.");
        if (!repository.Contains(':') && !Path.IsPathRooted(repository))
            return BackupErrors.Invalid("A local repository needs an absolute path.");
        if (!repository.Contains(':') && Path.GetFullPath(repository).StartsWith(Path.GetFullPath(options.DataDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return BackupErrors.Invalid("A repository inside the data directory would be lost with it; choose another disk or path.");
        var extended = (input.Options ?? []).Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
        if (extended.FirstOrDefault(o => !o.Contains('=') || o.StartsWith('=')) is { } bad)
            return BackupErrors.Invalid($"An option is key=value (as restic's -o), not \"{bad}\".");
        var schedule = string.IsNullOrWhiteSpace(input.Schedule)
            ? input.Role == BackupRole.Offsite ? BackupOptions.OffsiteSchedule : BackupOptions.LocalSchedule
            : input.Schedule.Trim();
        if (BackupSchedule.Parse(schedule) is null) return BackupErrors.Invalid($"\"{schedule}\" is not a cron expression (five fields: minute hour day month weekday).");
        var keep = input.Retention ?? BackupOptions.DefaultRetention;
        if (keep.KeepDaily < 1 || keep.KeepWeekly < 0 || keep.KeepMonthly < 0)
            return BackupErrors.Invalid("Keep at least one daily snapshot; weekly and monthly counts are zero or more.");
        if (input.Password is { Length: < 12 }) return BackupErrors.Invalid("A repository password has at least 12 characters.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.BackupTargets.AnyAsync(t => t.Name == name, ct)) return BackupErrors.NameTaken;

        var secrets = new BackupSecrets(input.Password ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            input.Environment ?? new Dictionary<string, string>());
        var repo = new ResticRepository(new ResticLocation(repository, extended, secrets.Environment), secrets.Password, options.ResticSettings);
        try
        {
            if (input.Existing)
            {
                if (!await repo.ExistsAsync(ct)) return BackupErrors.Invalid($"There is no restic repository at {repo.Location.Redacted}; add it without --existing to create one.");
            }
            else await repo.InitAsync(ct);
        }
        catch (ResticException e) when (e.Kind == ResticFailureKind.AlreadyInitialized)
        {
            return BackupErrors.Invalid($"A restic repository exists at {repo.Location.Redacted} already; add it as existing, with its password.");
        }
        catch (ResticException e)
        {
            return BackupErrors.Restic(e.Message);
        }

        var target = new BackupTarget
        {
            Id = Guid.CreateVersion7(), Name = name, Repository = repository, Role = input.Role, Options = string.Join('\n', extended),
            Secrets = [], Schedule = schedule, KeepDaily = keep.KeepDaily, KeepWeekly = keep.KeepWeekly, KeepMonthly = keep.KeepMonthly,
            CreatedAt = time.StoredNow(), CreatedBy = actor.Name,
            // A repository made just now holds nothing to forget; one added as existing is pruned by its first run.
            RetentionAppliedAt = input.Existing ? null : time.StoredNow(),
        };
        target.Secrets = await secrets.SealAsync(keyring, target.Id, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.BackupTargets.Add(target);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.target.add", AuditOutcome.Success, null, $"backup-target:{name}", actor.ClientAddress,
            new Dictionary<string, string?>
            {
                ["repository"] = repo.Location.Redacted, ["role"] = input.Role.ToString().ToLowerInvariant(), ["schedule"] = schedule,
                ["created"] = (!input.Existing).ToString().ToLowerInvariant(), ["keep"] = $"{keep.KeepDaily} daily, {keep.KeepWeekly} weekly, {keep.KeepMonthly} monthly",
            }), ct);
        return target;
    }

    public async Task<IReadOnlyList<BackupTarget>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BackupTargets.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
    }

    public async Task<BackupTarget?> FindAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BackupTargets.AsNoTracking().SingleOrDefaultAsync(t => t.Name == name, ct);
    }

    /// <summary>The target's repository with its secrets unsealed, for one piece of work.</summary>
    public async Task<ResticRepository> OpenAsync(BackupTarget target, CancellationToken ct = default)
    {
        var secrets = await BackupSecrets.UnsealAsync(keyring, target.Id, target.Secrets, ct);
        return new ResticRepository(LocationOf(target, secrets), secrets.Password, options.ResticSettings);
    }

    public async Task<BackupSecrets> SecretsAsync(BackupTarget target, CancellationToken ct = default) =>
        await BackupSecrets.UnsealAsync(keyring, target.Id, target.Secrets, ct);

    public static ResticLocation LocationOf(BackupTarget target, BackupSecrets secrets) =>
        new(target.Repository, OptionsOf(target), secrets.Environment);

    public static IReadOnlyList<string> OptionsOf(BackupTarget target) =>
        target.Options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Reachable, initialised, password right: the state the target page shows, with the number of snapshots.</summary>
    public async Task<Result<IReadOnlyList<ResticSnapshot>>> CheckAsync(string name, Actor actor, CancellationToken ct = default)
    {
        var target = await FindAsync(name, ct);
        if (target is null) return BackupErrors.NotFound;
        var repo = await OpenAsync(target, ct);
        try
        {
            if (!await repo.ExistsAsync(ct)) return BackupErrors.Restic($"There is no restic repository at {repo.Location.Redacted} (any more).");
            return Result<IReadOnlyList<ResticSnapshot>>.Ok(await repo.SnapshotsAsync(BackupRunner.InstanceTag, ct));
        }
        catch (ResticException e)
        {
            return BackupErrors.Restic(e.Message);
        }
    }

    /// <summary>Changes schedule, retention or whether it runs; audited with the new values.</summary>
    public async Task<Result<BackupTarget>> ChangeAsync(string name, string? schedule, ResticRetention? keep, bool? enabled, Actor actor, CancellationToken ct = default)
    {
        if (schedule is not null && BackupSchedule.Parse(schedule.Trim()) is null)
            return BackupErrors.Invalid($"\"{schedule}\" is not a cron expression (five fields: minute hour day month weekday).");
        if (keep is not null && (keep.KeepDaily < 1 || keep.KeepWeekly < 0 || keep.KeepMonthly < 0))
            return BackupErrors.Invalid("Keep at least one daily snapshot; weekly and monthly counts are zero or more.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var target = await db.BackupTargets.SingleOrDefaultAsync(t => t.Name == name, ct);
        if (target is null) return BackupErrors.NotFound;
        if (schedule is not null) target.Schedule = schedule.Trim();
        if (keep is not null) (target.KeepDaily, target.KeepWeekly, target.KeepMonthly) = (keep.KeepDaily, keep.KeepWeekly, keep.KeepMonthly);
        if (enabled is not null) target.Enabled = enabled.Value;
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.target.change", AuditOutcome.Success, null, $"backup-target:{name}", actor.ClientAddress,
            new Dictionary<string, string?>
            {
                ["schedule"] = target.Schedule, ["keep"] = $"{target.KeepDaily} daily, {target.KeepWeekly} weekly, {target.KeepMonthly} monthly",
                ["enabled"] = target.Enabled.ToString().ToLowerInvariant(),
            }), ct);
        return target;
    }

    /// <summary>Forgets the target (the repository and its snapshots stay where they are).</summary>
    public async Task<Result<bool>> RemoveAsync(string name, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var target = await db.BackupTargets.SingleOrDefaultAsync(t => t.Name == name, ct);
        if (target is null) return BackupErrors.NotFound;
        db.BackupTargets.Remove(target);
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.target.remove", AuditOutcome.Success, null, $"backup-target:{name}", actor.ClientAddress,
            new Dictionary<string, string?> { ["repository"] = LocationOf(target, new BackupSecrets("", new Dictionary<string, string>())).Redacted }), ct);
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex NamePattern();

    /// <summary>The snapshot of the target's newest successful backup, as this instance recorded it (null: none yet).</summary>
    public async Task<string?> LatestRecordedSnapshotAsync(Guid targetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BackupRuns.AsNoTracking()
            .Where(r => r.TargetId == targetId && r.Kind == BackupRunKind.Backup && r.Outcome == BackupOutcome.Succeeded && r.SnapshotId != null)
            .OrderByDescending(r => r.StartedAt).Select(r => r.SnapshotId).FirstOrDefaultAsync(ct);
    }
}
