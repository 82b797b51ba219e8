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

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0}");
}
