using Custos.Core.Sluice.Inspection.Archives;

namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>
/// Finds active content in a PDF, never holding more than a window of the file: the keywords in the file's syntax and
/// in every stream's raw bytes (one forward pass), and in every stream's decoded bytes (Flate, LZW, ASCIIHex, ASCII85,
/// RunLength, with predictors; each stream read a second time from its own view of the file), which is where object
/// streams hide dictionaries from plain keyword scanners. Each decoded stream is bounded; a stream that does not decode
/// is skipped (many real PDFs carry a broken one), its raw bytes having been scanned all the same.
/// </summary>
internal static class PdfScanner
{
    public const int MaxStreams = 1_000_000;

    /// <param name="shared">The inspection's budget, whose PDF decoding total this scan adds to.</param>
    public static Finding Scan(Stream content, ArchiveBudget shared, CancellationToken ct)
    {
        var findings = new PdfFindings();
        var source = new PdfSource(content);
        var tokenizer = new PdfStructureTokenizer(findings);
        var budget = new DecodeBudget(shared);
        var decodedKeywords = false;
        var buffer = new byte[64 * 1024];
        var innerStarts = new List<long>();

        while (budget.Limit is null)
        {
            ct.ThrowIfCancellationRequested();
            var available = source.Available;
            if (available.IsEmpty)
            {
                if (!source.Fill()) break;
                continue;
            }
            var consumed = tokenizer.Feed(available, out var streamStarts);
            source.Advance(consumed);
            if (!streamStarts) continue;

            var dictionary = tokenizer.StreamDictionary;
            var dataStart = source.Offset;
            innerStarts.Clear();
            var dataEnd = PdfStreamSkipper.Skip(source, new PdfNameScanner(findings), innerStarts, ct);
            tokenizer.ResetAfterStream();

            var before = findings.Keywords.Count;
            Decode(content, dataStart, dataEnd, dictionary, findings, budget, buffer, ct);
            foreach (var inner in innerStarts)
            {
                if (budget.Limit is not null) break;
                Decode(content, inner, dataEnd, null, findings, budget, buffer, ct);
            }
            decodedKeywords |= findings.Keywords.Count > before;
        }
        tokenizer.Finish();

        if (findings.Keywords.Count > 0)
        {
            var where = decodedKeywords ? " (some inside streams)" : "";
            return Finding.Block(InspectionCodes.ActivePdf, $"PDF keywords {string.Join(", ", findings.Keywords.Select(k => "/" + k))}{where}");
        }
        if (budget.Limit is not null) return budget.Limit;
        if (findings.Encrypted)
            return Finding.Review(InspectionCodes.ActivePdfEncrypted, "the PDF is encrypted (/Encrypt): its streams cannot be inspected");
        return Finding.Pass(InspectionCodes.ActiveNone, "no active PDF keywords");
    }

    /// <summary>The bounds on decoding: streams tried, bytes per stream, bytes in all.</summary>
    private sealed class DecodeBudget(ArchiveBudget shared)
    {
        private int streams;

        public Finding? Limit { get; private set; }

        public bool StartStream()
        {
            if (++streams <= MaxStreams) return true;
            Limit = Finding.Block(InspectionCodes.ActivePdfStreamLimit, $"more than {MaxStreams} streams");
            return false;
        }

        public bool Add(int bytes, long streamTotal)
        {
            var limits = shared.Limits;
            shared.PdfDecodedBytes += bytes;
            if (streamTotal > limits.MaxPdfStreamBytes)
                Limit = Finding.Block(InspectionCodes.ActivePdfStreamLimit, $"a stream decodes to more than {ArchiveBudget.Size(limits.MaxPdfStreamBytes)}");
            else if (shared.PdfDecodedBytes > limits.MaxExpandedBytes)
                Limit = Finding.Block(InspectionCodes.ActivePdfStreamLimit, $"streams decode to more than {ArchiveBudget.Size(limits.MaxExpandedBytes)} in all");
            return Limit is null;
        }
    }

    /// <summary>Decodes the stream data in [start, end) of the file, if it decodes, and scans what comes out.</summary>
    private static void Decode(Stream content, long start, long end, PdfStreamDictionary? dictionary, PdfFindings findings,
        DecodeBudget budget, byte[] buffer, CancellationToken ct)
    {
        if (end <= start || !budget.StartStream()) return;
        var scanner = new PdfNameScanner(findings);
        try
        {
            var decoded = Decoder(new SubStream(content, start, end - start), dictionary);
            if (decoded is null) return;
            long produced = 0;
            int read;
            while ((read = decoded.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                produced += read;
                scanner.Feed(buffer.AsSpan(0, read));
                if (!budget.Add(read, produced)) return;
            }
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            // A stream that does not decode is skipped (many real PDFs carry a broken one); its raw bytes were scanned,
            // and what decoded before the error has been scanned too.
        }
        finally
        {
            scanner.Finish();
        }
    }

    /// <summary>
    /// The decoding chain the dictionary's filters name, up to the first filter that yields no syntax (images, fonts'
    /// own encodings, crypt). A stream without a (recognised) /Filter that starts like zlib data is inflated anyway, so
    /// that confusing the tokenizer about the dictionary does not hide an object stream.
    /// </summary>
    private static Stream? Decoder(Stream raw, PdfStreamDictionary? dictionary)
    {
        var current = raw;
        var decoding = false;
        dictionary ??= new PdfStreamDictionary();
        foreach (var filter in dictionary.Filters)
        {
            var next = filter switch
            {
                "FlateDecode" or "Fl" => PredictorDecoder.Wrap(FlateDecoder.Open(current), dictionary.Parameters),
                "LZWDecode" or "LZW" => PredictorDecoder.Wrap(
                    new LzwDecoder(current, dictionary.Parameters.GetValueOrDefault("EarlyChange", 1) != 0), dictionary.Parameters),
                "ASCIIHexDecode" or "AHx" => new AsciiHexDecoder(current),
                "ASCII85Decode" or "A85" => new Ascii85Decoder(current),
                "RunLengthDecode" or "RL" => new RunLengthDecoder(current),
                _ => null,
            };
            if (next is null) break;
            (current, decoding) = (next, true);
        }
        if (decoding) return current;
        if (dictionary.Filters.Count > 0 && !dictionary.Filters.Any(f => f is "FlateDecode" or "Fl")) return null;

        var header = new byte[2];
        var read = raw.ReadAtLeast(header, 2, throwOnEndOfStream: false);
        var rest = new PrefixedStream(header.AsMemory(0, read), raw);
        return read == 2 && FlateDecoder.IsZlibHeader(header[0], header[1]) ? FlateDecoder.Open(rest) : null;
    }
}
