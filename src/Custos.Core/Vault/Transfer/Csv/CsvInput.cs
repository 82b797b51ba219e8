using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>An uploaded CSV file opened for reading within its limits, shared by the CSV importers.</summary>
internal sealed class CsvInput : IDisposable
{
    private readonly CsvReadLimits _limits;
    private readonly List<CsvMalformedRecord> _malformed = [];
    private int _rows;

    private CsvInput(CsvReadLimits limits, Func<CsvReaderOptions, CsvReader> open, CsvReaderOptions options)
    {
        _limits = limits;
        Reader = open(options with { OnMalformedRecord = _malformed.Add });
    }

    public CsvReader Reader { get; }

    public IReadOnlyList<string> Header => Reader.Options.HasHeader ? Reader.Headers : [];

    /// <summary>The line where the current row starts, for messages that must not quote its values.</summary>
    public string Line => $"line {Reader.LineNumber}";

    public static CsvInput Open(Stream input, CsvReadLimits limits, char? delimiter, Encoding? encoding, bool hasHeader)
    {
        byte[] bytes = BoundedInput.ReadAll(input, limits.MaxBytes, "csv.too-large");
        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            DetectSeparatorHint = delimiter is null,
            HasHeader = hasHeader,
            TrackLineNumbers = true,
            IncludeValuesInExceptions = false,
        };

        if (encoding is not null)
        {
            string text = encoding.GetString(bytes).TrimStart('\uFEFF');
            return new CsvInput(limits, o => CsvReader.FromText(text, o), options);
        }

        if (!HasUtf16Bom(bytes) && !Utf8.IsValid(bytes))
        {
            throw new TransferFormatException("csv.encoding",
                "The file is not UTF-8. Save it as \"CSV UTF-8\" or choose its encoding for the import.");
        }

        return new CsvInput(limits, o => CsvReader.Create(bytes, o), options);
    }

    public bool Read()
    {
        if (!Reader.Read())
        {
            return false;
        }

        if (++_rows > _limits.MaxRows)
        {
            throw new TransferFormatException("csv.too-large", $"The file has more than {_limits.MaxRows:N0} rows.");
        }

        return true;
    }

    /// <summary>A cell of the current row; null when it is empty or the row is shorter.</summary>
    public string? Cell(int? index) =>
        index is int i && i < Reader.FieldCount && !Reader.IsEmpty(i) ? Reader.GetString(i) : null;

    public bool RowIsEmpty()
    {
        for (int i = 0; i < Reader.FieldCount; i++)
        {
            if (!Reader.IsEmpty(i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Refuses the file if a quote was never closed (the rest of the file then read as one cell); reports
    /// other misplaced quotes, which CsvHelper reads as text, so the user can check those entries.</summary>
    public IEnumerable<TransferSkip> CheckQuoting()
    {
        int unterminated = _malformed.FindIndex(record => record.Reason == CsvMalformedReason.UnterminatedQuote);
        if (unterminated >= 0)
        {
            throw new TransferFormatException("csv.corrupt",
                $"The CSV file is damaged: a quote opened on line {_malformed[unterminated].LineNumber} is never closed.");
        }

        return _malformed.Select(record => new TransferSkip($"line {record.LineNumber}",
            "A quote in this row is misplaced; the row was read as it stands, please check the entry."));
    }

    public void Dispose() => Reader.Dispose();

    // CsvHelper transcodes a file that starts with a UTF-16 byte order mark (Excel's "Unicode text").
    private static bool HasUtf16Bom(byte[] bytes) =>
        bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF));
}
