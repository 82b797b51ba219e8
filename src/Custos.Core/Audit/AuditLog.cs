using System.Text.Json;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Custos.Core.Audit;

/// <summary>
/// Appends events to the one hash chain inside the caller's transaction. The chain head row is locked first
/// (an UPDATE that changes nothing takes the row lock on PostgreSQL and the write lock on SQLite), so concurrent
/// writers on any number of nodes append one after another and the order is the sequence number.
/// </summary>
public sealed class AuditLog(TimeProvider time)
{
    // Readable details ("+", umlauts); every page HTML-encodes them on output.
    private static readonly JsonSerializerOptions DetailsJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the event, saves the caller's pending changes and commits: the change and its record stand or fall together.</summary>
    public Task CommitAsync(CustosDbContext db, IDbContextTransaction transaction, AuditEntry entry, CancellationToken ct = default) =>
        CommitAsync(db, transaction, [entry], ct);

    /// <summary>As above, for an operation that records several events (a setup that also grants roles).</summary>
    public async Task CommitAsync(CustosDbContext db, IDbContextTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        await AppendAsync(db, entries, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Records an event that comes with no other change (a failed login, a view of the log).</summary>
    public async Task RecordAsync(CustosDbContext db, AuditEntry entry, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await CommitAsync(db, tx, entry, ct);
    }

    /// <summary>Adds the events to the context; they are written by the caller's SaveChanges in its open transaction.</summary>
    public async Task AppendAsync(CustosDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Audit events must be written in the transaction of the change they record.");
        if (entries.Count == 0) return;

        var head = await LockHeadAsync(db, ct);
        var events = Chain(head.LastSequence, head.LastHash, entries);
        db.AuditEvents.AddRange(events);
        var (sequence, previous) = (events[^1].Sequence, events[^1].Hash);

        await db.AuditChainHeads.Where(h => h.Id == AuditChainHead.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSequence, sequence).SetProperty(h => h.LastHash, previous), ct);
    }

    /// <summary>The events that follow the chain head (<paramref name="sequence"/>, <paramref name="previous"/>), each hashed over its predecessor.</summary>
    public IReadOnlyList<AuditEvent> Chain(long sequence, byte[] previous, IReadOnlyList<AuditEntry> entries)
    {
        var now = time.StoredNow();
        var events = new AuditEvent[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var e = new AuditEvent
            {
                Sequence = ++sequence,
                OccurredAt = now,
                Actor = entry.Actor,
                TenantId = entry.Tenant ?? TenantId.System,
                Action = entry.Action,
                Target = entry.Target,
                Outcome = entry.Outcome,
                ClientAddress = entry.ClientAddress,
                Details = entry.Details is { Count: > 0 } d ? JsonSerializer.Serialize(d, DetailsJson) : null,
                PreviousHash = previous,
                Hash = [],
            };
            e.Hash = AuditHash.Compute(e);
            previous = e.Hash;
            events[i] = e;
        }
        return events;
    }

    /// <summary>
    /// Locks the head row and reads it in one statement (SQLite and PostgreSQL both support UPDATE … RETURNING): a row
    /// lock on PostgreSQL, the write lock on SQLite, held until the caller commits.
    /// </summary>
    private static async Task<HeadValues> LockHeadAsync(CustosDbContext db, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<HeadValues>(LockHeadSql(db)).ToListAsync(ct);
        return rows.Count == 1 ? rows[0] : throw new InvalidOperationException("The audit chain head row is missing.");
    }

    /// <summary>The statement that locks and reads the head (last sequence, last hash): the same for every writer of the chain.</summary>
    public static string LockHeadSql(CustosDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditChainHead))!;
        string Col(string property) => entity.FindProperty(property)!.GetColumnName();
        var sequence = Col(nameof(AuditChainHead.LastSequence));
        return $"UPDATE {entity.GetTableName()} SET {sequence} = {sequence} WHERE {Col(nameof(AuditChainHead.Id))} = {AuditChainHead.SingletonId} " +
               $"RETURNING {sequence}, {Col(nameof(AuditChainHead.LastHash))}";
    }

    // Mapped by the same naming convention as the head entity, so its columns need no aliases.
    private sealed class HeadValues
    {
        public long LastSequence { get; set; }
        public byte[] LastHash { get; set; } = [];
    }
}
