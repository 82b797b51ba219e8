using System.Globalization;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup.Restic;
using Custos.Core.Data;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>
/// What a restore on a new machine needs and the backups do not contain: the master key(s) and every target's repository
/// password and backend credentials. Printed on paper or written to separate media and kept offline, like the keys of a
/// safe; whoever holds it and a repository holds the data.
/// </summary>
public sealed record RecoveryKit(int Format, string About, DateTimeOffset CreatedAt, IReadOnlyList<RecoveryKit.Key> MasterKeys, IReadOnlyList<RecoveryKit.Target> Targets)
{
    public const int CurrentFormat = 1;

    public sealed record Key(string Id, string Material);

    public sealed record Target(string Name, string Repository, string Role, IReadOnlyList<string> Options, string Password, IReadOnlyDictionary<string, string> Environment);

    public MasterKey? MasterKey(string id) =>
        MasterKeys.FirstOrDefault(k => k.Id == id) is { } k ? new MasterKey(k.Id, Convert.FromBase64String(k.Material)) : null;

    public ResticRepository Repository(Target target, ResticSettings settings) =>
        new(new ResticLocation(target.Repository, target.Options, target.Environment), target.Password, settings);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, BackupManifest.Json);

    public static RecoveryKit Parse(byte[] json)
    {
        RecoveryKit? kit;
        try
        {
            kit = JsonSerializer.Deserialize<RecoveryKit>(json, BackupManifest.Json);
        }
        catch (JsonException e)
        {
            throw new BackupException($"This is not a Custos recovery kit: {e.Message}");
        }
        if (kit is null || kit.MasterKeys is null || kit.Targets is null) throw new BackupException("This is not a Custos recovery kit.");
        if (kit.Format > CurrentFormat) throw new BackupException($"The recovery kit was written by a newer Custos (format {kit.Format}).");
        return kit;
    }

    /// <summary>Never the secrets in a log line.</summary>
    public override string ToString() => $"RecoveryKit({MasterKeys.Count} keys, {Targets.Count} targets, {CreatedAt:O})";
}

public sealed class RecoveryKits(IDbContextFactory<CustosDbContext> dbFactory, BackupTargets targets, MasterKeyFileStore keyFiles, AuditLog audit, TimeProvider time)
{
    public const string About = "Custos recovery kit. Keep it offline, apart from the backups (paper in a safe, or a file on separate media): with it " +
                                "and a backup repository the instance can be restored on a new machine (`custos backup restore --recovery-kit FILE`). " +
                                "Export a new one after a master key rotation or a new target; keep the old one as long as backups from its time are kept.";

    /// <summary>The kit for the instance as it is now; the export is audited (what, never the secrets).</summary>
    public async Task<RecoveryKit> ExportAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await db.TenantDataKeys.AsNoTracking().Select(k => k.MasterKeyId).Distinct().ToListAsync(ct);
        var current = await db.KeyringStates.AsNoTracking().Select(s => s.CurrentMasterKeyId).SingleAsync(ct);
        if (current is not null && !ids.Contains(current)) ids.Add(current);
        var keys = new List<RecoveryKit.Key>();
        foreach (var id in ids)
        {
            using var key = keyFiles.Load(id);
            keys.Add(new RecoveryKit.Key(id, Convert.ToBase64String(key.Material)));
        }
        var kitTargets = new List<RecoveryKit.Target>();
        foreach (var t in await targets.ListAsync(ct))
        {
            var secrets = await targets.SecretsAsync(t, ct);
            kitTargets.Add(new RecoveryKit.Target(t.Name, t.Repository, t.Role.ToString().ToLowerInvariant(), BackupTargets.OptionsOf(t), secrets.Password, secrets.Environment));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.recovery_kit.export", AuditOutcome.Success, null, "recovery-kit", actor.ClientAddress,
            new Dictionary<string, string?>
            {
                ["masterKeys"] = string.Join(", ", ids), ["targets"] = string.Join(", ", kitTargets.Select(t => t.Name)),
                ["count"] = kitTargets.Count.ToString(CultureInfo.InvariantCulture),
            }), ct);
        return new RecoveryKit(RecoveryKit.CurrentFormat, About, time.GetUtcNow(), keys, kitTargets);
    }
}
