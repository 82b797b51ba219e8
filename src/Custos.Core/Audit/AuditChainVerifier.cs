using System.Buffers;
using System.Data.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Audit;

public sealed record AuditVerification(bool IsIntact, long VerifiedEvents, long? FirstBadSequence, string? Problem)
{
    internal byte[] LastHash { get; init; } = AuditHash.Genesis();
}

/// <summary>
/// Walks the whole chain in sequence order with a plain data reader (no change tracking) and recomputes every hash.
/// Finds altered rows (hash mismatch), removed rows (gap or broken link), reordered rows (link mismatch) and a cut-off
/// tail (head row disagrees with the last event).
/// </summary>
public static class AuditChainVerifier
{
    public static async Task<AuditVerification> VerifyAsync(CustosDbContext db, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var events = db.Model.FindEntityType(typeof(AuditEvent))!;
        string Col(string property) => events.FindProperty(property)!.GetColumnName();
        var table = events.GetTableName();
        var sql = $"SELECT {Col(nameof(AuditEvent.Sequence))}, {Col(nameof(AuditEvent.OccurredAt))}, {Col(nameof(AuditEvent.Actor))}, " +
                  $"{Col(nameof(AuditEvent.TenantId))}, {Col(nameof(AuditEvent.Action))}, {Col(nameof(AuditEvent.Target))}, " +
                  $"{Col(nameof(AuditEvent.Outcome))}, {Col(nameof(AuditEvent.ClientAddress))}, {Col(nameof(AuditEvent.Details))}, " +
                  $"{Col(nameof(AuditEvent.PreviousHash))}, {Col(nameof(AuditEvent.Hash))} FROM {table} ORDER BY {Col(nameof(AuditEvent.Sequence))}";

        // The head is read first: every event up to it was committed with it, and writers appending meanwhile only add
        // later events, which the walk leaves out. No long transaction is held, so verification never blocks writers.
        var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(ct);
        sql = sql.Replace(" ORDER BY", $" WHERE {Col(nameof(AuditEvent.Sequence))} <= {head.LastSequence} ORDER BY");

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            var result = await WalkAsync(connection, sql, progress, ct);
            if (!result.IsIntact) return result;
            if (result.VerifiedEvents != head.LastSequence)
                return new AuditVerification(false, result.VerifiedEvents, result.VerifiedEvents + 1,
                    $"The chain head names event {head.LastSequence}, but the log ends at event {result.VerifiedEvents}: events were removed from the end.");
            if (!result.LastHash.AsSpan().SequenceEqual(head.LastHash))
                return new AuditVerification(false, result.VerifiedEvents - 1, result.VerifiedEvents,
                    $"Event {result.VerifiedEvents} does not match the chain head: the end of the log was replaced.");
            return result;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static async Task<AuditVerification> WalkAsync(DbConnection connection, string sql, IProgress<long>? progress, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);

        var buffer = new ArrayBufferWriter<byte>(512);
        var previous = AuditHash.Genesis();
        var computed = new byte[AuditHash.Size];
        long expected = 1;
        while (await reader.ReadAsync(ct))
        {
            var sequence = reader.GetInt64(0);
            if (sequence != expected)
                return Broken(expected - 1, expected, $"Event {expected} is missing (the next stored event is {sequence}).");
            var occurred = reader.GetInt64(1);
            var actor = reader.GetString(2);
            var tenant = reader.GetGuid(3);
            var action = reader.GetString(4);
            var target = reader.IsDBNull(5) ? null : reader.GetString(5);
            var outcome = reader.GetInt32(6);
            var client = reader.IsDBNull(7) ? null : reader.GetString(7);
            var details = reader.IsDBNull(8) ? null : reader.GetString(8);
            var storedPrev = reader.IsDBNull(9) ? [] : reader.GetFieldValue<byte[]>(9);
            var storedHash = reader.IsDBNull(10) ? [] : reader.GetFieldValue<byte[]>(10);
            if (storedPrev.Length != AuditHash.Size || storedHash.Length != AuditHash.Size)
                return Broken(expected - 1, sequence, $"Event {sequence} has a malformed hash.");
            if (!storedPrev.AsSpan().SequenceEqual(previous))
                return Broken(expected - 1, sequence, $"Event {sequence} does not link to event {sequence - 1} (removed, inserted or reordered).");
            AuditHash.Compute(buffer, computed, sequence, occurred, actor, tenant, action, target, outcome, client, details, previous);
            if (!computed.AsSpan().SequenceEqual(storedHash))
                return Broken(expected - 1, sequence, $"Event {sequence} was altered: its content does not match its hash.");
            previous = storedHash;
            if ((expected & 0xFFFF) == 0) progress?.Report(expected);
            expected++;
        }
        return new AuditVerification(true, expected - 1, null, null) { LastHash = previous };
    }

    private static AuditVerification Broken(long verified, long sequence, string problem) => new(false, verified, sequence, problem);
}
