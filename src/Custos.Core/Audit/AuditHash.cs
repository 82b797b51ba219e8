using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Audit;

/// <summary>
/// The canonical form of an event: a version tag, then every field in a fixed order, strings as length-prefixed UTF-8,
/// absent values distinguished from empty ones, ending with the previous event's hash. The hash is SHA-256 of it.
/// </summary>
public static class AuditHash
{
    public const int Size = 32;
    private static ReadOnlySpan<byte> Version => "custos-audit-v1"u8;

    public static byte[] Genesis() => new byte[Size];

    public static byte[] Compute(AuditEvent e) =>
        Compute(e.Sequence, Common.TimeExtensions.ToUnixMicroseconds(e.OccurredAt), e.Actor, e.TenantId.Value, e.Action,
            e.Target, (int)e.Outcome, e.ClientAddress, e.Details, e.PreviousHash);

    public static byte[] Compute(long sequence, long occurredAtMicros, string actor, Guid tenant, string action,
        string? target, int outcome, string? clientAddress, string? details, ReadOnlySpan<byte> previousHash)
    {
        var row = new AuditRow
        {
            Sequence = sequence,
            OccurredAtMicros = occurredAtMicros,
            Actor = Utf8(actor),
            Tenant = tenant,
            Action = Utf8(action),
            Target = Utf8(target),
            TargetIsNull = target is null,
            Outcome = outcome,
            ClientAddress = Utf8(clientAddress),
            ClientAddressIsNull = clientAddress is null,
            Details = Utf8(details),
            DetailsIsNull = details is null,
            PreviousHash = previousHash,
        };
        var buffer = new byte[CanonicalLength(in row)];
        var hash = new byte[Size];
        Compute(in row, buffer, hash);
        return hash;
    }

    /// <summary>Bytes the canonical form of this row takes; callers size a reusable buffer with it.</summary>
    public static int CanonicalLength(in AuditRow row) =>
        Version.Length + 8 + 8 + 16 + 8 + Size + 4 * 5 +
        row.Actor.Length + row.Action.Length + row.Target.Length + row.ClientAddress.Length + row.Details.Length;

    /// <summary>Hashes the row's canonical form into <paramref name="hash"/>, using <paramref name="buffer"/> as scratch.</summary>
    public static void Compute(in AuditRow row, Span<byte> buffer, Span<byte> hash)
    {
        var length = CanonicalLength(in row);
        WriteCanonical(in row, buffer[..length]);
        SHA256.HashData(buffer[..length], hash);
    }

    /// <summary>Writes the canonical form into exactly <see cref="CanonicalLength"/> bytes.</summary>
    public static void WriteCanonical(in AuditRow row, Span<byte> buffer)
    {
        if (row.PreviousHash.Length != Size) throw new ArgumentException("Previous hash must be 32 bytes.", nameof(row));
        var w = buffer;
        Version.CopyTo(w);
        w = w[Version.Length..];
        BinaryPrimitives.WriteInt64BigEndian(w, row.Sequence);
        BinaryPrimitives.WriteInt64BigEndian(w[8..], row.OccurredAtMicros);
        w = w[16..];
        WriteText(ref w, row.Actor, false);
        row.Tenant.TryWriteBytes(w, bigEndian: true, out _);
        w = w[16..];
        WriteText(ref w, row.Action, false);
        WriteText(ref w, row.Target, row.TargetIsNull);
        BinaryPrimitives.WriteInt64BigEndian(w, row.Outcome);
        w = w[8..];
        WriteText(ref w, row.ClientAddress, row.ClientAddressIsNull);
        WriteText(ref w, row.Details, row.DetailsIsNull);
        row.PreviousHash.CopyTo(w);
    }

    // -1 marks an absent value so that null and "" hash differently.
    private static void WriteText(ref Span<byte> w, ReadOnlySpan<byte> utf8, bool isNull)
    {
        BinaryPrimitives.WriteInt32BigEndian(w, isNull ? -1 : utf8.Length);
        utf8.CopyTo(w[4..]);
        w = w[(4 + utf8.Length)..];
    }

    private static byte[] Utf8(string? s) => s is null ? [] : Encoding.UTF8.GetBytes(s);
}
