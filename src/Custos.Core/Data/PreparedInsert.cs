using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Custos.Core.Data;

/// <summary>
/// A single-row INSERT of an entity, prepared once on a connection that stays open and executed once per row: for a
/// writer that appends many small rows (the reveal journal, the web proxy's request log), where EF Core's change tracking and SQLite's statement
/// compilation per execution cost more than the rows. Columns, value conversions and parameter types come from the EF
/// model, so the rows are exactly what SaveChanges would write.
/// </summary>
public sealed class PreparedInsert<T> : IDisposable where T : class
{
    private readonly DbCommand command;
    private readonly (IPropertyBase Property, ValueConverter? Converter, DbParameter Parameter)[] columns;

    public PreparedInsert(CustosDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = db.Database.GetDbConnection();
        command = connection.CreateCommand();
        // A key the database numbers itself (an identity or SQLite rowid) is left to it, as SaveChanges does.
        var properties = entity.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) &&
            (p.ClrType == typeof(long) || p.ClrType == typeof(int)))).ToList();
        columns = new (IPropertyBase, ValueConverter?, DbParameter)[properties.Count];
        var names = new List<string>();
        var placeholders = new List<string>();
        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var mapping = property.GetRelationalTypeMapping();
            var name = "p" + i;
            var parameter = mapping.CreateParameter(command, sql.GenerateParameterName(name), null, property.IsNullable);
            command.Parameters.Add(parameter);
            columns[i] = (property, mapping.Converter, parameter);
            names.Add(sql.DelimitIdentifier(property.GetColumnName()));
            placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
        }
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema())} " +
                              $"({string.Join(", ", names)}) VALUES ({string.Join(", ", placeholders)})";
    }

    /// <summary>
    /// Inserts one row inside <paramref name="transaction"/>. The same command each time: SQLite keeps its compiled
    /// statement, PostgreSQL's driver prepares it automatically after a few uses.
    /// </summary>
    public async Task InsertAsync(T row, DbTransaction transaction, CancellationToken ct = default)
    {
        command.Transaction = transaction;
        foreach (var (property, converter, parameter) in columns) parameter.Value = ValueOf(property, converter, row);
        if (await command.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"Inserting a {typeof(T).Name} row wrote no row.");
    }

    /// <summary>Whether rows can go into a <see cref="DbBatch"/> (PostgreSQL: one round trip for many statements).</summary>
    public bool CanBatch => command.Connection is { CanCreateBatch: true } && columns.All(c => c.Parameter is ICloneable);

    /// <summary>Adds the row's INSERT to <paramref name="batch"/>, with parameters typed like the prepared command's.</summary>
    public void AddTo(DbBatch batch, T row)
    {
        var insert = batch.CreateBatchCommand();
        insert.CommandText = command.CommandText;
        foreach (var (property, converter, parameter) in columns)
        {
            var p = (DbParameter)((ICloneable)parameter).Clone();
            p.Value = ValueOf(property, converter, row);
            insert.Parameters.Add(p);
        }
        batch.BatchCommands.Add(insert);
    }

    private static object ValueOf(IPropertyBase property, ValueConverter? converter, T row)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
        if (value is not null && converter is not null) value = converter.ConvertToProvider(value);
        return value ?? DBNull.Value;
    }

    public void Dispose() => command.Dispose();
}
