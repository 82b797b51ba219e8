using System.Buffers;
using System.Text;

namespace Custos.Core.Documents.Text;

/// <summary>
/// The searchable text of a stored document: plain text, the text layer of a PDF, or the words of a Word, Excel or
/// PowerPoint file (Office Open XML). Documents are uploaded by anyone with write access, so every reader here is
/// bounded in the bytes it reads, the bytes it decompresses and the characters it returns.
/// </summary>
public static class DocumentText
{
    /// <summary>The most a PDF or Office file may have; they need random access, so they are held in memory whole.</summary>
    public const int MaxRandomAccessBytes = 64 << 20;

    /// <summary>The most bytes of plain text read before stopping, so that megabytes of blanks (which produce no
    /// characters) cannot keep a reader busy without end.</summary>
    public const long MaxPlainTextBytes = 64L << 20;

    // A PDF header may follow some leading junk; Acrobat looks for it in the first KiB.
    private const int HeadLength = 1024;
    private const int ChunkLength = 64 * 1024;

    private static readonly string[] TextExtensions = [".txt", ".text", ".csv", ".tsv", ".md", ".markdown", ".log", ".json", ".xml", ".eml"];

    private static readonly string[] TextMediaTypes = ["application/json", "application/xml", "application/csv", "message/rfc822"];

    /// <summary>
    /// Reads <paramref name="content"/> once from its current position and returns its text: whitespace runs become
    /// one space, line and paragraph breaks one newline, control characters count as blanks, and the result has at most
    /// <paramref name="maxChars"/> characters (never half a surrogate pair). An empty string means a readable document
    /// without text, such as a scanned PDF. Null means the content is not a text-based format or cannot be read: a
    /// broken or hostile file gives null and never an exception.
    /// </summary>
    /// <remarks>
    /// The format is decided by the content (a PDF header, or a ZIP with Office parts); <paramref name="mediaType"/>
    /// and <paramref name="fileName"/> only say whether anything else may be read as plain text. Exceptions thrown by
    /// <paramref name="content"/> itself are not swallowed: a decrypting stream that meets altered ciphertext, or a
    /// storage error, is not the same as a document without text, and the caller must be able to tell. PDF and Office
    /// files are copied into memory rather than a temporary file because the content is plaintext that must not be
    /// left on disk. Parsing runs synchronously once the content is read.
    /// </remarks>
    public static async Task<string?> ExtractAsync(Stream content, string mediaType, string fileName,
        int maxChars = 1_000_000, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);

        var head = new byte[HeadLength];
        int headLength = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var headBytes = head.AsSpan(0, headLength);

        bool textHint = IsTextHint(mediaType, fileName);
        var headMemory = head.AsMemory(0, headLength);

        int pdfAt = headBytes.IndexOf("%PDF-"u8);
        if (pdfAt >= 0)
        {
            using var pdf = await ReadBoundedAsync(headMemory, content, ct);
            if (pdf is null)
            {
                return null;
            }

            var text = PdfText.Extract(pdf, maxChars, ct);
            if (text is not null || pdfAt == 0 || !textHint)
            {
                return text;
            }

            // Acrobat accepts a header anywhere in the first KiB, so one there is tried as a PDF; but in a text file
            // that PdfPig cannot read it is more likely a note that mentions PDF headers.
            pdf.Position = headLength;
            return await PlainTextAsync(headMemory, pdf, maxChars, ct);
        }

        if (headBytes.StartsWith("PK\x03\x04"u8))
        {
            using var zip = await ReadBoundedAsync(headMemory, content, ct);
            return zip is null ? null : OfficeText.Extract(zip, maxChars, ct);
        }

        return textHint ? await PlainTextAsync(headMemory, content, maxChars, ct) : null;
    }

    private static bool IsTextHint(string? mediaType, string? fileName)
    {
        var type = (mediaType ?? "").Split(';', 2)[0].Trim();
        if (type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || TextMediaTypes.Contains(type, StringComparer.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+xml", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var extension = Path.GetExtension(fileName ?? "");
        return TextExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Copies the head and the rest of the stream into memory, or returns null past
    /// <see cref="MaxRandomAccessBytes"/>; the rest of an oversized stream is not read.</summary>
    private static async Task<MemoryStream?> ReadBoundedAsync(ReadOnlyMemory<byte> head, Stream rest, CancellationToken ct)
    {
        int capacity = head.Length;
        if (rest.CanSeek)
        {
            // A known length avoids growing (and copying) a large buffer several times.
            long remaining = rest.Length - rest.Position;
            if (remaining > MaxRandomAccessBytes - head.Length)
            {
                return null;
            }

            capacity += (int)Math.Max(0, remaining);
        }

        var memory = new MemoryStream(capacity);
        memory.Write(head.Span);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLength);
        try
        {
            int read;
            while ((read = await rest.ReadAsync(buffer.AsMemory(0, ChunkLength), ct)) > 0)
            {
                if (memory.Length + read > MaxRandomAccessBytes)
                {
                    memory.Dispose();
                    return null;
                }

                memory.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        memory.Position = 0;
        return memory;
    }

    private readonly record struct Bom(Encoding? Encoding, int Length);

    private static Bom DetectBom(ReadOnlySpan<byte> head) => head switch
    {
        [0xEF, 0xBB, 0xBF, ..] => new(new UTF8Encoding(false), 3),
        [0xFF, 0xFE, 0x00, 0x00, ..] => new(new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4),
        [0x00, 0x00, 0xFE, 0xFF, ..] => new(new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4),
        [0xFF, 0xFE, ..] => new(new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2),
        [0xFE, 0xFF, ..] => new(new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2),
        _ => new(null, 0),
    };

    private static async Task<string?> PlainTextAsync(ReadOnlyMemory<byte> head, Stream rest, int maxChars,
        CancellationToken ct)
    {
        var bom = DetectBom(head.Span);
        // Without a UTF-16 or UTF-32 byte order mark a NUL byte means a binary file wearing a text name.
        if (bom.Encoding is null or UTF8Encoding && head.Span.Contains((byte)0))
        {
            return null;
        }

        return await DecodeAsync(head, bom, rest, maxChars, ct);
    }

    /// <summary>
    /// Decodes plain text as it streams in. With a byte order mark its encoding is used. Without one, ASCII is read
    /// as is until the first other byte: if the bytes from there are valid UTF-8 the rest is UTF-8, otherwise it is
    /// Windows-1252 (the ANSI code page of German Windows, a superset of Latin-1's printable characters). Deciding at
    /// the first non-ASCII byte rather than on a fixed sample is right for both kinds: the ASCII before it reads the
    /// same in either.
    /// </summary>
    private static async Task<string> DecodeAsync(ReadOnlyMemory<byte> head, Bom bom, Stream rest, int maxChars,
        CancellationToken ct)
    {
        var sink = new TextSink(maxChars);
        var bytes = ArrayPool<byte>.Shared.Rent(ChunkLength);
        var chars = ArrayPool<char>.Shared.Rent(ChunkLength + 8);
        try
        {
            head[bom.Length..].CopyTo(bytes);
            int filled = head.Length - bom.Length;
            long total = filled;
            Decoder? decoder = bom.Encoding?.GetDecoder();
            bool windows1252 = false;

            while (!sink.IsFull)
            {
                int read = await rest.ReadAsync(bytes.AsMemory(filled, ChunkLength - filled), ct);
                total += read;
                bool final = read == 0 || total >= MaxPlainTextBytes;
                var span = bytes.AsSpan(0, filled + read);
                filled = 0;

                if (decoder is null && !windows1252)
                {
                    int firstOther = span.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                    AppendSingleByte(sink, firstOther < 0 ? span : span[..firstOther], chars);
                    span = firstOther < 0 ? [] : span[firstOther..];
                    switch (span.IsEmpty ? Utf8Probe.NeedMoreData : ProbeUtf8(span, final))
                    {
                        case Utf8Probe.NeedMoreData:
                            // All ASCII so far, or too few bytes after the first other one to tell: those wait for the next read.
                            span.CopyTo(bytes);
                            filled = span.Length;
                            span = [];
                            break;
                        case Utf8Probe.Invalid:
                            windows1252 = true;
                            break;
                        default:
                            decoder = new UTF8Encoding(false).GetDecoder();
                            break;
                    }
                }

                if (windows1252)
                {
                    AppendSingleByte(sink, span, chars);
                }
                else if (decoder is not null)
                {
                    // Bytes of a character cut by the end of the chunk stay inside the decoder until the next read.
                    int written = decoder.GetChars(span, chars, flush: final);
                    sink.Append(chars.AsSpan(0, written));
                }

                if (final)
                {
                    break;
                }
            }

            return sink.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private enum Utf8Probe { Valid, Invalid, NeedMoreData }

    /// <summary>Whether <paramref name="bytes"/>, which start with a non-ASCII byte, are UTF-8. A sequence cut off
    /// at the end counts as valid once at least one whole non-ASCII character was seen.</summary>
    private static Utf8Probe ProbeUtf8(ReadOnlySpan<byte> bytes, bool final)
    {
        bool sawWhole = false;
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out _, out int used);
            switch (status)
            {
                case OperationStatus.Done:
                    sawWhole = true;
                    bytes = bytes[used..];
                    break;
                case OperationStatus.NeedMoreData:
                    return final ? Utf8Probe.Invalid : sawWhole ? Utf8Probe.Valid : Utf8Probe.NeedMoreData;
                default:
                    return Utf8Probe.Invalid;
            }
        }

        return Utf8Probe.Valid;
    }

    // Windows-1252 differs from Latin-1 only in 0x80–0x9F, where it has printable characters (€, „, “, –, …); the
    // five bytes it leaves undefined stay C1 controls, which the sink treats as blanks.
    private const string Windows1252High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>Decodes Windows-1252, which for ASCII is ASCII.</summary>
    private static void AppendSingleByte(TextSink sink, ReadOnlySpan<byte> bytes, char[] chars)
    {
        while (!bytes.IsEmpty && !sink.IsFull)
        {
            int count = Math.Min(bytes.Length, chars.Length);
            for (int i = 0; i < count; i++)
            {
                byte b = bytes[i];
                chars[i] = b is >= 0x80 and < 0xA0 ? Windows1252High[b - 0x80] : (char)b;
            }

            sink.Append(chars.AsSpan(0, count));
            bytes = bytes[count..];
        }
    }
}

/// <summary>
/// Collects extracted text with whitespace normalised: runs of blanks become one space, runs containing a line or
/// paragraph break one newline, nothing leads or trails, control characters count as blanks. Stops taking text at
/// the character limit without splitting a surrogate pair.
/// </summary>
internal sealed class TextSink(int maxChars)
{
    private enum Separator { None, Space, Break }

    private readonly StringBuilder _text = new(Math.Min(maxChars, 16 * 1024));
    private Separator _pending;

    /// <summary>True once a character did not fit; readers stop then.</summary>
    public bool IsFull { get; private set; }

    public int Length => _text.Length;

    public void Append(string? text) => Append(text.AsSpan());

    public void Append(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty && !IsFull)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out int used) != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }

            text = text[used..];
            int value = rune.Value;
            if (value is '\n' or '\r' or '\v' or '\f' or 0x85 or 0x2028 or 0x2029)
            {
                Break();
            }
            else if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                Space();
            }
            else if (value != 0xFEFF)
            {
                Write(rune);
            }
        }
    }

    /// <summary>Separates words, as between table cells; a pending break is kept.</summary>
    public void Space()
    {
        if (_pending == Separator.None)
        {
            _pending = Separator.Space;
        }
    }

    /// <summary>Ends a line or paragraph.</summary>
    public void Break() => _pending = Separator.Break;

    public override string ToString() => _text.ToString();

    private void Write(Rune rune)
    {
        bool separate = _pending != Separator.None && _text.Length > 0;
        if (_text.Length + rune.Utf16SequenceLength + (separate ? 1 : 0) > maxChars)
        {
            IsFull = true;
            return;
        }

        if (separate)
        {
            _text.Append(_pending == Separator.Break ? '\n' : ' ');
        }

        _pending = Separator.None;
        Span<char> units = stackalloc char[2];
        _text.Append(units[..rune.EncodeToUtf16(units)]);
    }
}
