using System.Buffers;
using System.Text;

namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>The filters and decode parameters of the dictionary in front of a stream, as far as the tokenizer saw them.</summary>
internal sealed class PdfStreamDictionary
{
    public List<string> Filters { get; } = [];
    public Dictionary<string, int> Parameters { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Reads the PDF file's syntax outside streams, byte by byte: names (checked against the keywords, with #xx escapes
/// decoded), dictionary nesting, each stream dictionary's /Filter and /DecodeParms, and the "stream" keyword whose line
/// end starts a stream's data. Strings and comments are deliberately not parsed: a name inside them still counts,
/// since a parser that jumps by cross-reference offsets sees bytes that a linear one would skip.
/// </summary>
internal sealed class PdfStructureTokenizer(PdfFindings findings)
{
    private enum State { Default, Name, NameHash1, NameHash2, Word, LessThan, GreaterThan, AfterStream, AfterStreamCr }
    private enum FilterValue { None, Expected, InArray }

    private static readonly HashSet<string> DecodeParameters = ["Predictor", "Columns", "Colors", "BitsPerComponent", "EarlyChange"];
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create("\0\t\n\f\r "u8);
    private static readonly SearchValues<byte> Delimiters = SearchValues.Create("\0\t\n\f\r ()<>[]{}/%"u8);
    private static readonly SearchValues<byte> NameStops = SearchValues.Create("\0\t\n\f\r ()<>[]{}/%#"u8);

    private readonly byte[] token = new byte[128];
    private int tokenLength;
    private State state;
    private int hashHigh;
    private int depth;
    private PdfStreamDictionary current = new();
    private PdfStreamDictionary? closed;
    private FilterValue filterValue;
    private string? pendingParameter;
    private int nextBlock;
    private bool textBlock = true;

    /// <summary>The dictionary of the stream whose data starts where <see cref="Feed"/> stopped.</summary>
    public PdfStreamDictionary StreamDictionary => depth == 0 && closed is not null ? closed : current;

    /// <summary>Consumes bytes until they end or a stream's data begins; returns how many it consumed.</summary>
    public int Feed(ReadOnlySpan<byte> data, out bool streamStarts)
    {
        streamStarts = false;
        nextBlock = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (i >= nextBlock) Classify(data, i);
            var b = data[i];
            switch (state)
            {
                case State.Default:
                    var skip = data[i..].IndexOfAnyExcept(Whitespace);
                    if (skip < 0) return data.Length;
                    i += skip;
                    if (i >= nextBlock) Classify(data, i);
                    Start(data[i]);
                    break;
                case State.Name:
                    var nameRun = data[i..].IndexOfAny(NameStops);
                    if (nameRun < 0) { Append(data[i..]); return data.Length; }
                    Append(data.Slice(i, nameRun));
                    i += nameRun;
                    if (data[i] == '#') state = State.NameHash1;
                    else { EndName(); Start(data[i]); }
                    break;
                case State.NameHash1:
                    var high = PdfKeywords.HexValue(b);
                    if (high >= 0) (hashHigh, state) = (high, State.NameHash2);
                    else { Append((byte)'#'); state = State.Name; i--; }
                    break;
                case State.NameHash2:
                    var low = PdfKeywords.HexValue(b);
                    state = State.Name;
                    if (low >= 0) Append((byte)(hashHigh * 16 + low));
                    else { Append((byte)'#'); Append((byte)"0123456789ABCDEF"[hashHigh]); i--; }
                    break;
                case State.Word:
                    var wordRun = data[i..].IndexOfAny(Delimiters);
                    if (wordRun < 0) { Append(data[i..]); return data.Length; }
                    Append(data.Slice(i, wordRun));
                    i += wordRun;
                    if (EndWord()) { state = State.AfterStream; i--; }
                    else Start(data[i]);
                    break;
                case State.LessThan:
                    state = State.Default;
                    if (b == '<') OpenDictionary();
                    else Start(b);
                    break;
                case State.GreaterThan:
                    state = State.Default;
                    if (b == '>') CloseDictionary();
                    else Start(b);
                    break;
                case State.AfterStream:
                    if (b is (byte)' ' or (byte)'\t') break;
                    if (b == '\n') return BeginStream(i + 1, out streamStarts);
                    if (b == '\r') state = State.AfterStreamCr;
                    else { state = State.Default; Start(b); }
                    break;
                case State.AfterStreamCr:
                    return BeginStream(b == '\n' ? i + 1 : i, out streamStarts);
            }
        }
        return data.Length;
    }

    /// <summary>
    /// Whether the kilobyte from <paramref name="at"/> on is text: in binary garbage outside streams (a broken file),
    /// two-letter names are ignored as they are inside binary streams.
    /// </summary>
    private void Classify(ReadOnlySpan<byte> data, int at)
    {
        var block = data.Slice(at, Math.Min(1024, data.Length - at));
        var printable = 0;
        foreach (var b in block)
        {
            if (b is >= 0x20 and < 0x7F or 9 or 10 or 12 or 13) printable++;
        }
        textBlock = printable * 10 >= block.Length * 9;
        nextBlock = at + 1024;
    }

    /// <summary>Ends the file: a name right at its end still counts.</summary>
    public void Finish()
    {
        if (state is State.Name or State.NameHash1 or State.NameHash2) EndName();
        state = State.Default;
    }

    /// <summary>Back to reading syntax after a stream's "endstream".</summary>
    public void ResetAfterStream()
    {
        (state, depth, closed, filterValue, pendingParameter) = (State.Default, 0, null, FilterValue.None, null);
        current = new PdfStreamDictionary();
    }

    private int BeginStream(int next, out bool streamStarts)
    {
        state = State.Default;
        streamStarts = true;
        return next;
    }

    private void Start(byte b)
    {
        state = State.Default;
        switch (b)
        {
            case 0 or 9 or 10 or 12 or 13 or 32:
            case (byte)'(' or (byte)')' or (byte)'{' or (byte)'}' or (byte)'%':
                break;
            case (byte)'/':
                (state, tokenLength) = (State.Name, 0);
                break;
            case (byte)'<':
                state = State.LessThan;
                break;
            case (byte)'>':
                state = State.GreaterThan;
                break;
            case (byte)'[':
                if (filterValue == FilterValue.Expected) filterValue = FilterValue.InArray;
                break;
            case (byte)']':
                if (filterValue == FilterValue.InArray) filterValue = FilterValue.None;
                break;
            default:
                (state, tokenLength) = (State.Word, 0);
                Append(b);
                break;
        }
    }

    private void Append(byte b)
    {
        if (tokenLength < token.Length) token[tokenLength] = b;
        tokenLength++;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        var room = Math.Min(bytes.Length, token.Length - tokenLength);
        if (room > 0) bytes[..room].CopyTo(token.AsSpan(tokenLength));
        tokenLength += bytes.Length;
    }

    private void EndName()
    {
        state = State.Default;
        if (tokenLength > token.Length) { filterValue = FilterValue.None; return; }
        var name = token.AsSpan(0, tokenLength);
        findings.Name(name, textBlock);
        if (filterValue != FilterValue.None)
        {
            current.Filters.Add(Encoding.ASCII.GetString(name));
            if (filterValue == FilterValue.Expected) filterValue = FilterValue.None;
            return;
        }
        pendingParameter = null;
        if (depth == 1 && name.SequenceEqual("Filter"u8))
        {
            current.Filters.Clear();
            filterValue = FilterValue.Expected;
        }
        else if (depth >= 2 && name.Length <= 16 && DecodeParameters.Contains(Encoding.ASCII.GetString(name)))
        {
            pendingParameter = Encoding.ASCII.GetString(name);
        }
    }

    /// <summary>Handles a word (number, keyword); true when it is "stream".</summary>
    private bool EndWord()
    {
        var word = token.AsSpan(0, Math.Min(tokenLength, token.Length));
        if (filterValue == FilterValue.Expected) filterValue = FilterValue.None;
        if (pendingParameter is not null)
        {
            if (int.TryParse(word, out var value)) current.Parameters[pendingParameter] = value;
            pendingParameter = null;
        }
        if (word.SequenceEqual("stream"u8)) return true;
        if (word.SequenceEqual("obj"u8) || word.SequenceEqual("endobj"u8)) ResetAfterStream();
        return false;
    }

    private void OpenDictionary()
    {
        if (++depth == 1) current = new PdfStreamDictionary();
        filterValue = FilterValue.None;
    }

    private void CloseDictionary()
    {
        if (depth == 1) closed = current;
        depth = Math.Max(0, depth - 1);
        filterValue = FilterValue.None;
    }
}
