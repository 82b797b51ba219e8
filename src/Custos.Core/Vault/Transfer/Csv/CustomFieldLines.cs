using System.Text;

namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>
/// Custom fields as "name: value" lines in one CSV cell, Bitwarden's convention. Further lines of a multi-line value
/// are written indented by one space (as mail headers fold), so the value comes back whole; Bitwarden's own export
/// does not indent them, so a line without ": " also continues the field before it.
/// </summary>
/// <remarks>A field name that contains ": " or a line break does not round-trip; KeePass and Bitwarden names rarely do.</remarks>
internal static class CustomFieldLines
{
    private const string Separator = ": ";

    public static string Format(IEnumerable<TransferField> fields) =>
        string.Join('\n', fields.Select(field => field.Name + Separator + field.Value.Replace("\n", "\n ")));

    public static IEnumerable<TransferField> Parse(string? cell, bool secret)
    {
        if (string.IsNullOrEmpty(cell))
        {
            yield break;
        }

        string? name = null;
        var value = new StringBuilder();
        foreach (string line in cell.TrimEnd('\r', '\n').Split('\n'))
        {
            int separator = SeparatorIndex(line);
            if (name is not null && (line.StartsWith(' ') || separator < 0))
            {
                value.Append('\n').Append(line.StartsWith(' ') ? line.AsSpan(1) : line);
                continue;
            }

            if (name is not null)
            {
                yield return new TransferField(name, EndOfValue(value), secret);
            }

            name = separator < 0 ? line.TrimEnd('\r') : line[..separator];
            value.Clear().Append(separator < 0 ? "" : line.AsSpan(Math.Min(separator + Separator.Length, line.Length)));
        }

        if (name is not null)
        {
            yield return new TransferField(name, EndOfValue(value), secret);
        }
    }

    // "name:" at the end of a line is a field with an empty value whose trailing space an editor removed.
    private static int SeparatorIndex(string line)
    {
        int index = line.IndexOf(Separator, StringComparison.Ordinal);
        return index >= 0 ? index : line.TrimEnd('\r').EndsWith(':') ? line.TrimEnd('\r').Length - 1 : -1;
    }

    // A CR before the line feed that ends the field belongs to a CRLF line break, not to the value.
    private static string EndOfValue(StringBuilder value) => value.ToString().TrimEnd('\r');
}
