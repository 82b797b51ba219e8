using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>Writes the per-link, per-recipient log (<see cref="ShareEvent"/>).</summary>
public sealed class ShareLog(IDbContextFactory<CustosDbContext> dbFactory, TimeProvider time)
{
    public async Task AddAsync(ShareLink link, string kind, ShareClient client, string? name = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Add(db, link, kind, client, time.StoredNow(), name);
        await db.SaveChangesAsync(ct);
    }

    public ShareEvent Add(CustosDbContext db, ShareLink link, string kind, ShareClient client, DateTimeOffset now, string? name = null)
    {
        var row = new ShareEvent
        {
            Id = Guid.CreateVersion7(), ShareId = link.Id, TenantId = link.TenantId, At = now, Kind = kind, Visitor = client.Visitor,
            ClientAddress = client.Address, UserAgent = client.Agent, Name = name,
        };
        db.ShareEvents.Add(row);
        return row;
    }

    /// <summary>Closes a download's or upload's line: how many bytes went, and whether all of them did.</summary>
    public async Task FinishAsync(Guid eventId, long bytes, bool completed)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = time.StoredNow();
        await db.ShareEvents.Where(e => e.Id == eventId).ExecuteUpdateAsync(e => e
            .SetProperty(x => x.Bytes, bytes).SetProperty(x => x.Completed, completed).SetProperty(x => x.FinishedAt, now));
    }
}
