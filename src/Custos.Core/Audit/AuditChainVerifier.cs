using System.Data.Common;
using System.Text;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Audit;

public sealed record AuditVerification(bool IsIntact, long VerifiedEvents, long? FirstBadSequence, string? Problem);

/// <summary>
/// Walks the whole chain in sequence order and recomputes every hash. Finds altered rows (hash mismatch), removed rows
/// (gap or broken link), reordered rows (link mismatch) and a cut-off or replaced tail (head row disagrees).
/// </summary>
public static class AuditChainVerifier
{
    public static async Task<AuditVerification> VerifyAsync(CustosDbContext db, AuditRowReaderFactory? readers = null,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var events = db.Model.FindEntityType(typeof(AuditEvent))!;
        string Col(string property) => events.FindProperty(property)!.GetColumnName();

        // The head is read first: every event up to it was committed with it, and writers appending meanwhile only add
        // later events, which the walk leaves out. No long transaction is held, so verification never blocks writers.
        var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(ct);
        var sql = $"SELECT {Col(nameof(AuditEvent.Sequence))}, {Col(nameof(AuditEvent.OccurredAt))}, {Col(nameof(AuditEvent.Actor))}, " +
                  $"{Col(nameof(AuditEvent.TenantId))}, {Col(nameof(AuditEvent.Action))}, {Col(nameof(AuditEvent.Target))}, " +
                  $"{Col(nameof(AuditEvent.Outcome))}, {Col(nameof(AuditEvent.ClientAddress))}, {Col(nameof(AuditEvent.Details))}, " +
                  $"{Col(nameof(AuditEvent.PreviousHash))}, {Col(nameof(AuditEvent.Hash))} FROM {events.GetTableName()} " +
                  $"WHERE {Col(nameof(AuditEvent.Sequence))} <= {head.LastSequence} ORDER BY {Col(nameof(AuditEvent.Sequence))}";

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            using var reader = (readers ?? ((c, q) => new DataReaderAuditRows(c, q)))(connection, sql);
            return Walk(reader, head.LastSequence, head.LastHash, progress, ct);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    /// <summary>The walk itself, independent of where the rows come from; see <see cref="AuditChainWalk"/>.</summary>
    public static AuditVerification Walk(IAuditRowReader reader, long headSequence, ReadOnlySpan<byte> headHash,
        IProgress<long>? progress = null, CancellationToken ct = default) =>
        AuditChainWalk.Run(reader, headSequence, headHash.ToArray(), progress, ct);

    internal static AuditVerification Broken(long sequence, string problem) => new(false, sequence - 1, sequence, problem);
}

/// <summary>Rows through any ADO.NET provider; text is re-encoded to UTF-8 into reusable buffers.</summary>
public sealed class DataReaderAuditRows : IAuditRowReader
{
    private readonly DbCommand command;
    private readonly DbDataReader reader;
    private readonly byte[][] text = [new byte[256], new byte[256], new byte[256], new byte[256], new byte[1024]];

    public DataReaderAuditRows(DbConnection connection, string sql)
    {
        command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        reader = command.ExecuteReader();
    }

    public bool Read(out AuditRow row)
    {
        row = default;
        if (!reader.Read()) return false;
        row.Sequence = reader.GetInt64(0);
        row.OccurredAtMicros = reader.GetInt64(1);
        row.Actor = Text(2, 0, out _);
        row.Tenant = reader.GetGuid(3);
        row.Action = Text(4, 1, out _);
        row.Target = Text(5, 2, out row.TargetIsNull);
        row.Outcome = reader.GetInt32(6);
        row.ClientAddress = Text(7, 3, out row.ClientAddressIsNull);
        row.Details = Text(8, 4, out row.DetailsIsNull);
        row.PreviousHash = Bytes(9);
        row.Hash = Bytes(10);
        return true;
    }

    private ReadOnlySpan<byte> Text(int ordinal, int slot, out bool isNull)
    {
        isNull = reader.IsDBNull(ordinal);
        if (isNull) return default;
        var s = reader.GetString(ordinal);
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (text[slot].Length < max) text[slot] = new byte[max];
        return text[slot].AsSpan(0, Encoding.UTF8.GetBytes(s, text[slot]));
    }

    private ReadOnlySpan<byte> Bytes(int ordinal) => reader.IsDBNull(ordinal) ? default : reader.GetFieldValue<byte[]>(ordinal);

    public void Dispose()
    {
        reader.Dispose();
        command.Dispose();
    }
}
