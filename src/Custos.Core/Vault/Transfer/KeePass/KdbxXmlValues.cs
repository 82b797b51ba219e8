using System.Buffers.Binary;
using System.Globalization;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>How KDBX XML spells times, UUIDs and booleans. KDBX 4 writes times as base64 of the seconds since
/// 0001-01-01 UTC (64-bit little-endian), KDBX 3 as ISO 8601; UUIDs are base64 of their 16 bytes in file order.</summary>
internal static class KdbxXmlValues
{
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.UtcTicks / TimeSpan.TicksPerSecond;

    public static string FormatTime(DateTimeOffset time)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, time.UtcTicks / TimeSpan.TicksPerSecond);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The time, or null when the text is neither form (a bad time is not worth refusing a file).</summary>
    public static DateTimeOffset? ParseTime(string text)
    {
        text = text.Trim();
        if (text.Contains('-'))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var iso) ? iso : null;
        }

        Span<byte> bytes = stackalloc byte[9];
        if (!Convert.TryFromBase64String(text, bytes, out int length) || length != 8)
        {
            return null;
        }

        long seconds = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return seconds is >= 0 && seconds <= MaxSeconds
            ? new DateTimeOffset(seconds * TimeSpan.TicksPerSecond, TimeSpan.Zero)
            : null;
    }

    public static string FormatUuid(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The UUID, or null when malformed or all zeros (KeePass' "none").</summary>
    public static Guid? ParseUuid(string text)
    {
        Span<byte> bytes = stackalloc byte[17];
        if (!Convert.TryFromBase64String(text.Trim(), bytes, out int length) || length != 16)
        {
            return null;
        }

        var id = new Guid(bytes[..16], bigEndian: true);
        return id == Guid.Empty ? null : id;
    }

    public static bool ParseBool(string? text) =>
        text is not null && (text.Trim().Equals("True", StringComparison.OrdinalIgnoreCase) || text.Trim() == "1");

    public static string FormatBool(bool value) => value ? "True" : "False";
}
