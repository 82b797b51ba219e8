using System.Text;

namespace Custos.Commands;

/// <summary>A table for people: a header, columns as wide as their widest cell (at most 60, longer cells cut with "…"), the last one free.</summary>
internal static class TextTable
{
    public const int MaxWidth = 60;

    /// <param name="rightAligned">Columns of numbers, aligned right so that they compare at a glance.</param>
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, params int[] rightAligned)
    {
        var widths = Enumerable.Range(0, header.Count).Select(i => Math.Min(MaxWidth, rows.Select(r => r[i].Length).Append(header[i].Length).Max())).ToArray();
        foreach (var row in rows.Prepend(header.ToArray()))
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                var last = i == row.Length - 1;
                var cell = !last && row[i].Length > widths[i] ? row[i][..(widths[i] - 1)] + "…" : row[i];
                line.Append(last ? cell : rightAligned.Contains(i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])).Append("  ");
            }
            await output.WriteLineAsync(line.ToString().TrimEnd());
        }
    }
}
