using Custos.Core.Sluice.Inspection.Archives;

namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>
/// Finds active content in a PDF in one forward pass, never holding more than a window of the file: the keywords in the
/// file's syntax, in every stream's raw bytes, and in every stream's decoded bytes (Flate, LZW, ASCIIHex, ASCII85,
/// RunLength, with predictors), which is where object streams hide dictionaries from plain keyword scanners. Each
/// decoded stream is bounded; a stream that does not decode is skipped (many real PDFs carry a broken one), its raw
/// bytes having been scanned all the same.
/// </summary>
internal static class PdfScanner
{
    public const int MaxStreams = 1_000_000;

    public static Finding Scan(Stream content, InspectionLimits limits, CancellationToken ct)
    {
        content.Position = 0;
        var findings = new PdfFindings();
        var source = new PdfSource(content);
        var tokenizer = new PdfStructureTokenizer(findings);
        var streams = 0;
        long decodedTotal = 0;
        var decodedKeywords = false;
        Finding? limit = null;
        var buffer = new byte[64 * 1024];

        while (limit is null)
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

            if (++streams > MaxStreams)
            {
                limit = Finding.Block(InspectionCodes.ActivePdfStreamLimit, $"more than {MaxStreams} streams");
                break;
            }
            var before = findings.Keywords.Count;
            var data = new PdfStreamData(source, new PdfNameScanner(findings));
            limit = DecodeStream(data, tokenizer.StreamDictionary, findings, limits, buffer, ref decodedTotal, ct);
            if (limit is null) data.Drain(ct);
            decodedKeywords |= findings.Keywords.Count > before;
            tokenizer.ResetAfterStream();
        }
        tokenizer.Finish();

        if (findings.Keywords.Count > 0)
        {
            var where = decodedKeywords ? " (some inside streams)" : "";
            return Finding.Block(InspectionCodes.ActivePdf, $"PDF keywords {string.Join(", ", findings.Keywords.Select(k => "/" + k))}{where}");
        }
        if (limit is not null) return limit;
        if (findings.Encrypted)
            return Finding.Review(InspectionCodes.ActivePdfEncrypted, "the PDF is encrypted (/Encrypt): its streams cannot be inspected");
        return Finding.Pass(InspectionCodes.ActiveNone, "no active PDF keywords");
    }

    /// <summary>Decodes one stream and scans the result; returns a limit finding when a bound is crossed.</summary>
    private static Finding? DecodeStream(PdfStreamData data, PdfStreamDictionary dictionary, PdfFindings findings, InspectionLimits limits,
        byte[] buffer, ref long decodedTotal, CancellationToken ct)
    {
        Stream? decoded;
        try { decoded = Decoder(data, dictionary); }
        catch (Exception e) when (Faults.IsInputError(e)) { return null; }
        if (decoded is null) return null;

        var scanner = new PdfNameScanner(findings);
        long produced = 0;
        try
        {
            int read;
            while ((read = decoded.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                produced += read;
                decodedTotal += read;
                scanner.Feed(buffer.AsSpan(0, read));
                if (produced > limits.MaxPdfStreamBytes)
                    return Finding.Block(InspectionCodes.ActivePdfStreamLimit,
                        $"a stream decodes to more than {ArchiveBudget.Size(limits.MaxPdfStreamBytes)}");
                if (decodedTotal > limits.MaxExpandedBytes)
                    return Finding.Block(InspectionCodes.ActivePdfStreamLimit,
                        $"streams decode to more than {ArchiveBudget.Size(limits.MaxExpandedBytes)} in all");
            }
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            // A stream that does not decode is skipped; what decoded before the error has been scanned.
        }
        finally
        {
            scanner.Finish();
        }
        return null;
    }

    /// <summary>
    /// The decoding chain the dictionary's filters name, up to the first filter that yields no syntax (images, fonts'
    /// own encodings, crypt). A stream without a (recognised) /Filter that starts like zlib data is inflated anyway, so
    /// that confusing the tokenizer about the dictionary does not hide an object stream.
    /// </summary>
    private static Stream? Decoder(Stream raw, PdfStreamDictionary dictionary)
    {
        var current = raw;
        var decoding = false;
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
