using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>A tenant's rows at the moment of the snapshot: what a drill must find again.</summary>
public sealed record TenantCounts(Guid Tenant, string Name, long Documents, long Versions, long VaultEntries);

/// <summary>
/// manifest.json at the root of every instance snapshot: what it holds and which master key a restore needs (the key
/// itself never is in a backup). A drill compares a restored database against these counts.
/// </summary>
/// <param name="Blobs">The blobs the database copy names (format 1: the blobs staged).</param>
/// <param name="BlobBytes">Format 1 only: the bytes staged.</param>
public sealed record BackupManifest(
    int Format,
    DateTimeOffset CreatedAt,
    string Database,
    string DatabaseFile,
    string? Migration,
    IReadOnlyList<string> MasterKeys,
    IReadOnlyList<TenantCounts> Tenants,
    long Users,
    long AuditEvents,
    long Blobs,
    long? BlobBytes)
{
    public const string FileName = "manifest.json";
    /// <summary>2: the blobs are read in place (Blobs counts those the database names; no BlobBytes). 1: staged as links.</summary>
    public const int CurrentFormat = 2;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    public static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Counts as the given context sees them (the copy, or the dump's snapshot).</summary>
    public static async Task<(IReadOnlyList<TenantCounts> Tenants, long Users, long Audit, IReadOnlyList<string> Keys, string? Migration)> CountAsync(
        CustosDbContext db, CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var docs = await db.Documents.AsNoTracking().GroupBy(d => d.TenantId).Select(g => new { g.Key, N = g.LongCount() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var versions = await db.DocumentVersions.AsNoTracking().GroupBy(d => d.TenantId).Select(g => new { g.Key, N = g.LongCount() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var entries = await db.VaultEntries.AsNoTracking().GroupBy(d => d.TenantId).Select(g => new { g.Key, N = g.LongCount() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var counts = tenants.Select(t => new TenantCounts(t.Id.Value, t.Name, docs.GetValueOrDefault(t.Id), versions.GetValueOrDefault(t.Id), entries.GetValueOrDefault(t.Id))).ToList();
        var users = await db.Users.AsNoTracking().LongCountAsync(ct);
        var audit = await db.AuditEvents.AsNoTracking().LongCountAsync(ct);
        // The key files a restore needs: every one that wraps a data key in this copy.
        var keys = await db.TenantDataKeys.AsNoTracking().Select(k => k.MasterKeyId).Distinct().ToListAsync(ct);
        var migration = (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault();
        return (counts, users, audit, keys, migration);
    }

    /// <summary>The blobs the given context's rows name: document versions, session recordings, quarantined files, share packages.</summary>
    public static Task<long> CountBlobsAsync(CustosDbContext db, CancellationToken ct) => Documents.Blobs.BlobReferences.All(db).LongCountAsync(ct);
}
