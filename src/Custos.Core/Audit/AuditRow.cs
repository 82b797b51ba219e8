namespace Custos.Core.Audit;

/// <summary>
/// A stored event as raw column values, text as UTF-8 as the database holds it, so verification can hash rows without
/// decoding them into strings. Spans point into the reader's buffers and are valid until the next row is read.
/// </summary>
public ref struct AuditRow
{
    public long Sequence;
    public long OccurredAtMicros;
    public ReadOnlySpan<byte> Actor;
    public Guid Tenant;
    public ReadOnlySpan<byte> Action;
    public ReadOnlySpan<byte> Target;
    public bool TargetIsNull;
    public int Outcome;
    public ReadOnlySpan<byte> ClientAddress;
    public bool ClientAddressIsNull;
    public ReadOnlySpan<byte> Details;
    public bool DetailsIsNull;
    public ReadOnlySpan<byte> PreviousHash;
    public ReadOnlySpan<byte> Hash;
}

/// <summary>Reads stored events in sequence order, one row at a time.</summary>
public interface IAuditRowReader : IDisposable
{
    bool Read(out AuditRow row);
}

/// <summary>Opens a row reader for the verifier's query on a connection; the storage layer may supply a faster one per database.</summary>
public delegate IAuditRowReader AuditRowReaderFactory(System.Data.Common.DbConnection connection, string sql);
