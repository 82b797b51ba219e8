using System.Data.Common;
using System.Runtime.InteropServices;
using Custos.Core.Audit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Custos.Storage;

/// <summary>
/// Audit rows straight from SQLite's C API for `custos audit verify`: column values are spans over SQLite's own memory,
/// with no string decoding and no allocation per row. The statement is prepared through the provider's safe API; the
/// hot loop then calls the same native library directly, because the ADO.NET reader (and the safe-handle wrappers
/// around each call) cost several times more per column than hashing the row.
/// </summary>
public sealed unsafe class SqliteAuditRows : IAuditRowReader
{
    private const string Library = "e_sqlite3";
    private const int Row = 100, Done = 101, Null = 5;

    private readonly sqlite3_stmt statement;
    private readonly IntPtr handle;

    private SqliteAuditRows(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out statement);
        if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
        handle = statement.DangerousGetHandle();
    }

    /// <summary>The fast reader for SQLite connections, the generic one for any other database.</summary>
    public static IAuditRowReader Open(DbConnection connection, string sql) =>
        connection is SqliteConnection sqlite ? new SqliteAuditRows(sqlite, sql) : new DataReaderAuditRows(connection, sql);

    public bool Read(out AuditRow row)
    {
        row = default;
        var rc = sqlite3_step(handle);
        if (rc == Done) return false;
        if (rc != Row) throw new SqliteException($"Reading the audit log failed (SQLite error {rc}).", rc);
        row.Sequence = sqlite3_column_int64(handle, 0);
        row.OccurredAtMicros = sqlite3_column_int64(handle, 1);
        row.Actor = Bytes(2);
        // EF stores GUIDs as text on SQLite.
        Span<char> tenant = stackalloc char[64];
        var tenantBytes = Bytes(3);
        row.Tenant = tenantBytes.Length <= tenant.Length
            ? Guid.Parse(tenant[..System.Text.Encoding.ASCII.GetChars(tenantBytes, tenant)])
            : throw new FormatException("Malformed tenant id in the audit log.");
        row.Action = Bytes(4);
        row.Target = Text(5, out row.TargetIsNull);
        row.Outcome = sqlite3_column_int(handle, 6);
        row.ClientAddress = Text(7, out row.ClientAddressIsNull);
        row.Details = Text(8, out row.DetailsIsNull);
        row.PreviousHash = Bytes(9);
        row.Hash = Bytes(10);
        return true;
    }

    // The pointer stays valid until the next step; AuditChainWalk copies what it keeps before reading on.
    private ReadOnlySpan<byte> Bytes(int column)
    {
        var p = sqlite3_column_blob(handle, column);
        return p == IntPtr.Zero ? default : new ReadOnlySpan<byte>((void*)p, sqlite3_column_bytes(handle, column));
    }

    private ReadOnlySpan<byte> Text(int column, out bool isNull)
    {
        isNull = sqlite3_column_type(handle, column) == Null;
        return isNull ? default : Bytes(column);
    }

    public void Dispose() => statement.Dispose();

    [DllImport(Library), SuppressGCTransition]
    private static extern int sqlite3_column_type(IntPtr stmt, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern long sqlite3_column_int64(IntPtr stmt, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern int sqlite3_column_int(IntPtr stmt, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern IntPtr sqlite3_column_blob(IntPtr stmt, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern int sqlite3_column_bytes(IntPtr stmt, int column);

    // Not SuppressGCTransition: a step may do I/O and take long.
    [DllImport(Library)]
    private static extern int sqlite3_step(IntPtr stmt);
}
