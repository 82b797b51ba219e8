using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Data;

/// <summary>
/// Values derived from the tables <see cref="RightsStamp"/> watches, valid while the stamp stays where it was when they
/// were read. A caller reads the stamp first (<see cref="ReadStampAsync"/>), then asks; any other stamp, higher or lower
/// (a restored database), starts an empty generation. Values read after the stamp are at least as new as it, so they
/// may be stored under it; inside a transaction nothing is cached (uncommitted rows and stamps must not outlive it).
/// </summary>
public sealed class StampedCache<TKey, TValue>(int maxItems) where TKey : notnull
{
    private sealed class Generation(long stamp)
    {
        public long Stamp { get; } = stamp;
        public ConcurrentDictionary<TKey, TValue> Items { get; } = new();
    }

    // Per instance, not static: a compiled query belongs to one model, and SQLite and PostgreSQL hosts differ.
    private readonly Func<CustosDbContext, Task<long>> readStamp = EF.CompileAsyncQuery((CustosDbContext db) =>
        db.RightsStamps.Where(s => s.Id == RightsStamp.SingletonId).Select(s => s.Value).Single());

    private Generation current = new(long.MinValue);

    /// <summary>The stamp now, or null inside a transaction (then the caller reads uncached).</summary>
    public async Task<long?> ReadStampAsync(CustosDbContext db) =>
        db.Database.CurrentTransaction is null ? await readStamp(db) : null;

    public bool TryGet(long? stamp, TKey key, out TValue value)
    {
        value = default!;
        return At(stamp) is { } generation && generation.Items.TryGetValue(key, out value!);
    }

    public void Set(long? stamp, TKey key, TValue value)
    {
        if (At(stamp) is not { } generation) return;
        // Beyond the bound the cache starts over: a miss costs a query, nothing more.
        if (generation.Items.Count >= maxItems) generation.Items.Clear();
        generation.Items[key] = value;
    }

    /// <summary>The generation of this stamp, installed if need be; null when another request just installed another one.</summary>
    private Generation? At(long? stamp)
    {
        if (stamp is not { } s) return null;
        var generation = Volatile.Read(ref current);
        if (generation.Stamp != s)
        {
            Interlocked.CompareExchange(ref current, new Generation(s), generation);
            generation = Volatile.Read(ref current);
        }
        return generation.Stamp == s ? generation : null;
    }
}
