using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents.Blobs;

/// <summary>
/// Which blobs something still refers to: document versions, SSH session recordings and the sluice's quarantine and share packages share the blob store, so the
/// janitor and scrub must ask both before calling a blob an orphan.
/// </summary>
internal static class BlobReferences
{
    /// <summary>Every address a row names, each once (a union).</summary>
    public static IQueryable<string> All(CustosDbContext db) =>
        db.DocumentVersions.AsNoTracking().Select(v => v.BlobAddress)
            .Union(db.SshSessions.AsNoTracking().Where(s => s.RecordingAddress != null).Select(s => s.RecordingAddress!))
            .Union(db.QuarantineItems.AsNoTracking().Where(q => q.BlobAddress != null).Select(q => q.BlobAddress!))
            .Union(db.ShareItems.AsNoTracking().Where(i => i.BlobAddress != null).Select(i => i.BlobAddress!));

    public static async Task<HashSet<string>> ReferencedAsync(CustosDbContext db, IReadOnlyCollection<string> addresses, CancellationToken ct)
    {
        var found = (await db.DocumentVersions.AsNoTracking().Where(v => addresses.Contains(v.BlobAddress)).Select(v => v.BlobAddress).Distinct()
            .ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        found.UnionWith(await db.SshSessions.AsNoTracking().Where(s => s.RecordingAddress != null && addresses.Contains(s.RecordingAddress))
            .Select(s => s.RecordingAddress!).ToListAsync(ct));
        found.UnionWith(await db.QuarantineItems.AsNoTracking().Where(q => q.BlobAddress != null && addresses.Contains(q.BlobAddress))
            .Select(q => q.BlobAddress!).ToListAsync(ct));
        found.UnionWith(await db.ShareItems.AsNoTracking().Where(i => i.BlobAddress != null && addresses.Contains(i.BlobAddress))
            .Select(i => i.BlobAddress!).ToListAsync(ct));
        return found;
    }
}
