using System.Globalization;

namespace Custos.Commands.Documents;

/// <summary>Sizes and rates for people: decimal units (1 MB = 1,000,000 bytes), as disks and networks count them.</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["bytes", "kB", "MB", "GB", "TB"];

    public static string Format(long bytes)
    {
        if (bytes < 1000) return string.Create(CultureInfo.InvariantCulture, $"{bytes} {(bytes == 1 ? "byte" : "bytes")}");
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>
    /// "500M", "500 MB", "1.5G", "20000": decimal units as <see cref="Format"/> prints them (k, M, G, T, with or without
    /// the B), binary ones spelled out (KiB, MiB, GiB, TiB). Null when the text is no size.
    /// </summary>
    public static long? Parse(string text)
    {
        var t = text.Trim();
        var end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.')) end++;
        if (!decimal.TryParse(t[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return null;
        var unit = t[end..].Trim();
        decimal? factor = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1m,
            "K" or "KB" => 1e3m, "M" or "MB" => 1e6m, "G" or "GB" => 1e9m, "T" or "TB" => 1e12m,
            "KIB" => 1024m, "MIB" => 1024m * 1024, "GIB" => 1024m * 1024 * 1024, "TIB" => 1024m * 1024 * 1024 * 1024,
            _ => null,
        };
        if (factor is null || number * factor.Value > long.MaxValue) return null;
        return (long)decimal.Round(number * factor.Value);
    }

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0}");
}
