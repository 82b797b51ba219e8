using System.Data.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Custos.Core.Audit;

/// <summary>
/// Appends to the audit chain like <see cref="AuditLog.AppendAsync"/> (lock the head, chain, insert, move the head), with
/// statements kept on one open connection for a writer that appends all day (the reveal journal). Same rows, same lock:
/// <see cref="ChainAsync"/>, then <see cref="WriteAsync"/> or, where the driver batches, <see cref="AddTo"/>.
/// </summary>
public sealed class PreparedAuditChain : IDisposable
{
    private readonly AuditLog log;
    private readonly DbCommand lockHead;
    private readonly DbCommand moveHead;
    private readonly DbParameter sequence;
    private readonly DbParameter hash;
    private readonly PreparedInsert<AuditEvent> insert;

    public PreparedAuditChain(CustosDbContext db, AuditLog log)
    {
        this.log = log;
        var connection = db.Database.GetDbConnection();
        lockHead = connection.CreateCommand();
        lockHead.CommandText = AuditLog.LockHeadSql(db);

        var sql = db.GetService<ISqlGenerationHelper>();
        var head = db.Model.FindEntityType(typeof(AuditChainHead))!;
        IProperty Property(string name) => head.FindProperty(name)!;
        moveHead = connection.CreateCommand();
        sequence = Parameter(moveHead, Property(nameof(AuditChainHead.LastSequence)), "s");
        hash = Parameter(moveHead, Property(nameof(AuditChainHead.LastHash)), "h");
        moveHead.CommandText = $"UPDATE {sql.DelimitIdentifier(head.GetTableName()!)} " +
                               $"SET {sql.DelimitIdentifier(Property(nameof(AuditChainHead.LastSequence)).GetColumnName())} = {sql.GenerateParameterNamePlaceholder("s")}, " +
                               $"{sql.DelimitIdentifier(Property(nameof(AuditChainHead.LastHash)).GetColumnName())} = {sql.GenerateParameterNamePlaceholder("h")} " +
                               $"WHERE {sql.DelimitIdentifier(Property(nameof(AuditChainHead.Id)).GetColumnName())} = {AuditChainHead.SingletonId}";
        insert = new PreparedInsert<AuditEvent>(db);

        DbParameter Parameter(DbCommand command, IProperty property, string name)
        {
            var p = property.GetRelationalTypeMapping().CreateParameter(command, sql.GenerateParameterName(name), null, nullable: false);
            command.Parameters.Add(p);
            return p;
        }
    }

    /// <summary>Locks the chain head in <paramref name="transaction"/> and builds the events that follow it.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ChainAsync(DbTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        lockHead.Transaction = transaction;
        long lastSequence;
        byte[] lastHash;
        await using (var reader = await lockHead.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The audit chain head row is missing.");
            lastSequence = reader.GetInt64(0);
            lastHash = (byte[])reader.GetValue(1);
        }
        return log.Chain(lastSequence, lastHash, entries);
    }

    /// <summary>Writes chained events and moves the head, statement by statement.</summary>
    public async Task WriteAsync(DbTransaction transaction, IReadOnlyList<AuditEvent> events, CancellationToken ct = default)
    {
        foreach (var e in events) await insert.InsertAsync(e, transaction, ct);
        moveHead.Transaction = transaction;
        sequence.Value = events[^1].Sequence;
        hash.Value = events[^1].Hash;
        if (await moveHead.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException("The audit chain head row is missing.");
    }

    public bool CanBatch => insert.CanBatch && sequence is ICloneable && hash is ICloneable;

    /// <summary>Adds the events' inserts and the head's move to <paramref name="batch"/> (1 row each).</summary>
    public void AddTo(DbBatch batch, IReadOnlyList<AuditEvent> events)
    {
        foreach (var e in events) insert.AddTo(batch, e);
        var move = batch.CreateBatchCommand();
        move.CommandText = moveHead.CommandText;
        foreach (var (template, value) in new[] { (sequence, (object)events[^1].Sequence), (hash, events[^1].Hash) })
        {
            var p = (DbParameter)((ICloneable)template).Clone();
            p.Value = value;
            move.Parameters.Add(p);
        }
        batch.BatchCommands.Add(move);
    }

    public void Dispose()
    {
        lockHead.Dispose();
        moveHead.Dispose();
        insert.Dispose();
    }
}
