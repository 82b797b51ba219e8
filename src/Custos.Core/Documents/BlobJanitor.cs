using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Removes what interrupted uploads leave behind: temporary files of writers that never committed (a killed process),
/// and blobs that no version refers to (committed, but the transaction that would have recorded them failed or never
/// ran). A blob is only an orphan once it is unreferenced on two sweeps in a row, so an upload that has just committed
/// its blob and not yet its row is never touched; at the start of a node that is alone on its blob folder (SQLite) no
/// upload can be in flight, and one sweep is enough.
/// </summary>
public sealed class BlobJanitor(IDbContextFactory<CustosDbContext> dbFactory, IBlobStore blobs)
{
    private const int Batch = 500;
    private HashSet<string> suspects = [];

    public sealed record Sweep(int Temporaries, int Orphans);

    public async Task<Sweep> SweepAsync(bool alone, CancellationToken ct = default)
    {
        var temporaries = await blobs.RemoveAbandonedAsync(alone ? TimeSpan.Zero : TimeSpan.FromHours(24), ct);
        var unreferenced = new HashSet<string>();
        var batch = new List<string>(Batch);
        await foreach (var blob in blobs.ListAsync(ct))
        {
            batch.Add(blob.Address);
            if (batch.Count == Batch) await CollectAsync(batch, unreferenced, ct);
        }
        await CollectAsync(batch, unreferenced, ct);

        var orphans = 0;
        foreach (var address in unreferenced.Where(a => alone || suspects.Contains(a)))
            if (await blobs.DeleteAsync(address, ct)) orphans++;
        suspects = alone ? [] : unreferenced;
        return new Sweep(temporaries, orphans);
    }

    private async Task CollectAsync(List<string> batch, HashSet<string> unreferenced, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var referenced = await Blobs.BlobReferences.ReferencedAsync(db, batch, ct);
        unreferenced.UnionWith(batch.Except(referenced));
        batch.Clear();
    }
}
