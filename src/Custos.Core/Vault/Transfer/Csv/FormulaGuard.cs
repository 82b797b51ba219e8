using System.Buffers;

namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>
/// Keeps spreadsheets from running exported cells as formulas (OWASP "CSV injection"): a cell that starts with '=',
/// '+', '-', '@', a tab or a carriage return gets a single quote in front, which Excel and LibreOffice read as
/// "this is text".
/// </summary>
/// <remarks>
/// The quote becomes part of the value for any program that does not know the convention, so a password such as
/// "=x" or "-x" round-trips only through an importer that strips it again: <see cref="Undo"/>, which
/// <see cref="GenericCsvReader"/> applies to Custos' own exports. A value that already starts with a quote gets one
/// more, so that stripping exactly one quote from every guarded cell is lossless ("'=x" is written as "''=x").
/// CsvHelper's built-in injection escape cannot do this: it refuses the quote as a trigger character.
/// </remarks>
internal static class FormulaGuard
{
    private const char Quote = '\'';
    private static readonly SearchValues<char> Guarded = SearchValues.Create("=+-@\t\r'");

    public static string Neutralise(string value) =>
        value.Length > 0 && Guarded.Contains(value[0]) ? Quote + value : value;

    public static string Undo(string value) =>
        value.Length > 1 && value[0] == Quote && Guarded.Contains(value[1]) ? value[1..] : value;
}
