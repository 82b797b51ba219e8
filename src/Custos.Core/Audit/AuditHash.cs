using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Audit;

/// <summary>
/// The canonical form of an event: a version tag, then every field in a fixed order, strings length-prefixed,
/// absent values distinguished from empty ones, ending with the previous event's hash. The hash is SHA-256 of it.
/// </summary>
public static class AuditHash
{
    public const int Size = 32;
    private static readonly byte[] Version = "custos-audit-v1"u8.ToArray();

    public static byte[] Genesis() => new byte[Size];

    public static byte[] Compute(AuditEvent e) =>
        Compute(e.Sequence, Common.TimeExtensions.ToUnixMicroseconds(e.OccurredAt), e.Actor, e.TenantId.Value, e.Action,
            e.Target, (int)e.Outcome, e.ClientAddress, e.Details, e.PreviousHash);

    public static byte[] Compute(long sequence, long occurredAtMicros, string actor, Guid tenant, string action,
        string? target, int outcome, string? clientAddress, string? details, ReadOnlySpan<byte> previousHash)
    {
        var hash = new byte[Size];
        var writer = new ArrayBufferWriter<byte>(256);
        Write(writer, sequence, occurredAtMicros, actor, tenant, action, target, outcome, clientAddress, details, previousHash);
        SHA256.HashData(writer.WrittenSpan, hash);
        return hash;
    }

    /// <summary>Allocation-light variant for verification: reuses the caller's buffer and hash destination.</summary>
    public static void Compute(ArrayBufferWriter<byte> buffer, Span<byte> destination, long sequence, long occurredAtMicros,
        string actor, Guid tenant, string action, string? target, int outcome, string? clientAddress, string? details,
        ReadOnlySpan<byte> previousHash)
    {
        buffer.ResetWrittenCount();
        Write(buffer, sequence, occurredAtMicros, actor, tenant, action, target, outcome, clientAddress, details, previousHash);
        SHA256.HashData(buffer.WrittenSpan, destination);
    }

    private static void Write(ArrayBufferWriter<byte> w, long sequence, long occurredAtMicros, string actor, Guid tenant,
        string action, string? target, int outcome, string? clientAddress, string? details, ReadOnlySpan<byte> previousHash)
    {
        if (previousHash.Length != Size) throw new ArgumentException("Previous hash must be 32 bytes.", nameof(previousHash));
        w.Write(Version);
        WriteInt64(w, sequence);
        WriteInt64(w, occurredAtMicros);
        WriteString(w, actor);
        var g = w.GetSpan(16);
        tenant.TryWriteBytes(g, bigEndian: true, out _);
        w.Advance(16);
        WriteString(w, action);
        WriteString(w, target);
        WriteInt64(w, outcome);
        WriteString(w, clientAddress);
        WriteString(w, details);
        w.Write(previousHash);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> w, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), value);
        w.Advance(8);
    }

    // -1 marks an absent value so that null and "" hash differently.
    private static void WriteString(ArrayBufferWriter<byte> w, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(w.GetSpan(4), -1);
            w.Advance(4);
            return;
        }
        var span = w.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, n);
        w.Advance(4 + n);
    }
}
