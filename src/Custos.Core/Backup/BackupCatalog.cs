using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>One document version as a snapshot holds it: enough to find it by path and restore it without opening the copied database.</summary>
public sealed record CatalogVersion(
    Guid Tenant,
    string TenantName,
    Guid Document,
    Guid Folder,
    string Path,
    int Number,
    long Size,
    string Sha256,
    string MediaType,
    string Author,
    DateTimeOffset CreatedAt,
    Guid VersionId,
    string BlobAddress,
    byte[] WrappedKey);

/// <summary>
/// catalog.jsonl.gz in every instance snapshot: every document version with its folder path, checksum, blob address and
/// sealed content key (sealed by the tenant's data key, so it reveals nothing without the keyring). Single-document
/// restore reads this one small file and one blob instead of a whole database (the same for SQLite and PostgreSQL).
/// </summary>
public static class BackupCatalog
{
    public const string FileName = "catalog.jsonl.gz";
    private const int BatchBytes = 64 * 1024;

    public static async Task<long> WriteAsync(CustosDbContext db, string path, CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var folders = await db.DocumentFolders.AsNoTracking().Select(f => new { f.Id, f.ParentId, f.Name }).ToDictionaryAsync(f => f.Id, ct);
        var paths = new Dictionary<Guid, string>();
        string FolderPath(Guid id)
        {
            if (paths.TryGetValue(id, out var known)) return known;
            var f = folders[id];
            var p = f.ParentId is { } parent && folders.ContainsKey(parent) ? FolderPath(parent) + "/" + f.Name : f.Name;
            paths[id] = p;
            return p;
        }

        long count = 0;
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        // Lines are serialised into one buffer and handed to gzip in large pieces: per-line async writes cost more than the rest.
        var lines = new ArrayBufferWriter<byte>(BatchBytes + 4096);
        await using var json = new Utf8JsonWriter(lines);
        var rows = from v in db.DocumentVersions.AsNoTracking()
                   join d in db.Documents.AsNoTracking() on v.DocumentId equals d.Id
                   orderby v.TenantId, v.DocumentId, v.Number
                   select new { v, d.Name, d.FolderId };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var folder = folders.ContainsKey(r.FolderId) ? FolderPath(r.FolderId) : "";
            var entry = new CatalogVersion(r.v.TenantId.Value, tenants.GetValueOrDefault(r.v.TenantId) ?? "", r.v.DocumentId, r.FolderId,
                folder.Length == 0 ? r.Name : folder + "/" + r.Name, r.v.Number, r.v.Size, Convert.ToHexStringLower(r.v.Sha256), r.v.MediaType,
                r.v.Author, r.v.CreatedAt, r.v.Id, r.v.BlobAddress, r.v.WrappedKey);
            JsonSerializer.Serialize(json, entry, BackupManifest.Compact);
            json.Flush();
            json.Reset();
            lines.Write("\n"u8);
            count++;
            if (lines.WrittenCount >= BatchBytes)
            {
                await gzip.WriteAsync(lines.WrittenMemory, ct);
                lines.ResetWrittenCount();
            }
        }
        await gzip.WriteAsync(lines.WrittenMemory, ct);
        return count;
    }

    public static IEnumerable<CatalogVersion> Read(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            yield return JsonSerializer.Deserialize<CatalogVersion>(line, BackupManifest.Json)
                ?? throw new BackupException("The snapshot's catalog has an empty line.");
        }
    }
}
