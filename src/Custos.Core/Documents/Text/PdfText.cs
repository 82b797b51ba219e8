using System.IO.Compression;
using System.Runtime.InteropServices;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace Custos.Core.Documents.Text;

/// <summary>The text layer of a PDF, read with PdfPig. Scanned pages without a text layer give no text.</summary>
internal static class PdfText
{
    /// <summary>Pages read at most; the rest of a longer document is not searchable.</summary>
    public const int MaxPages = 2_000;

    /// <summary>Bytes one stream may decode to. Content streams are rarely more than a few MiB; embedded fonts for
    /// Asian scripts can reach tens of MiB.</summary>
    public const long MaxDecodedStreamBytes = 64L << 20;

    /// <summary>Bytes all streams of one document may decode to together.</summary>
    public const long MaxDecodedDocumentBytes = 512L << 20;

    /// <summary>Returns the text, or null when PdfPig cannot open the document (broken, encrypted with a password,
    /// not a PDF), when no page could be read, or when its streams decode beyond the bounds above.</summary>
    public static string? Extract(Stream pdf, int maxChars, CancellationToken ct)
    {
        var filters = new BoundedFilterProvider(MaxDecodedStreamBytes, MaxDecodedDocumentBytes);
        var options = new ParsingOptions
        {
            // Real-world PDFs often break the specification in small ways (wrong xref offsets, missing fonts);
            // lenient parsing recovers what it can, and everything it reads still goes through the bounded filters.
            UseLenientParsing = true,
            SkipMissingFonts = true,
            FilterProvider = filters,
        };

        try
        {
            using var document = PdfDocument.Open(pdf, options);
            var sink = new TextSink(maxChars);
            int pages = Math.Min(document.NumberOfPages, MaxPages);
            int failed = 0;
            for (int number = 1; number <= pages && !sink.IsFull; number++)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var page = document.GetPage(number);
                    sink.Append(ContentOrderTextExtractor.GetText(page));
                    sink.Break();
                }
                catch (Exception e) when (e is not OperationCanceledException && !filters.LimitExceeded)
                {
                    // One damaged page should not cost the search the others.
                    failed++;
                }

                if (filters.LimitExceeded)
                {
                    return null;
                }
            }

            return pages > 0 && failed == pages ? null : sink.ToString();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // PdfPig throws many types (PdfDocumentFormatException, InvalidOperationException, IndexOutOfRange…) on
            // malformed input; all of them mean the document cannot be read.
            return null;
        }
    }

    /// <summary>
    /// PdfPig's own filters with a bound on what they decode. PdfPig inflates a FlateDecode stream completely into
    /// memory, so a 1 MiB PDF with one compressed stream of zeros makes it allocate gigabytes; here a Flate stream is
    /// first inflated into a small scratch buffer to measure it, and refused before PdfPig decodes it when it is too
    /// large. The other filters are measured only after decoding: the image filters are not run for text, and LZW and
    /// RunLength, rare in PDFs written this century, can at most expand the 64 MiB file some thousand- and
    /// sixty-fold once before the document is refused.
    /// </summary>
    private sealed class BoundedFilterProvider(long maxStreamBytes, long maxDocumentBytes) : IFilterProvider
    {
        private readonly IFilterProvider _inner = DefaultFilterProvider.Instance;
        private readonly Dictionary<IFilter, IFilter> _wrapped = new(ReferenceEqualityComparer.Instance);
        private long _decoded;
        private byte[]? _scratch;

        /// <summary>True once any stream went past a bound. PdfPig swallows some filter exceptions while parsing
        /// leniently, so the extractor checks this rather than relying on the exception.</summary>
        public bool LimitExceeded { get; private set; }

        public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => Wrap(_inner.GetFilters(dictionary));

        public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => Wrap(_inner.GetNamedFilters(names));

        public IReadOnlyList<IFilter> GetAllFilters() => Wrap(_inner.GetAllFilters());

        private IFilter[] Wrap(IReadOnlyList<IFilter> filters)
        {
            var result = new IFilter[filters.Count];
            for (int i = 0; i < filters.Count; i++)
            {
                var filter = filters[i];
                if (!_wrapped.TryGetValue(filter, out var bounded))
                {
                    bounded = new BoundedFilter(filter, this);
                    _wrapped.Add(filter, bounded);
                }

                result[i] = bounded;
            }

            return result;
        }

        /// <summary>Throws when a stream of <paramref name="bytes"/> would exceed a bound. A Flate stream is checked
        /// once measured and charged once decoded.</summary>
        private void Check(long bytes, bool charge)
        {
            if (LimitExceeded || bytes > maxStreamBytes || _decoded + bytes > maxDocumentBytes)
            {
                LimitExceeded = true;
                throw new InvalidDataException("A PDF stream decodes to more than the extraction limit.");
            }

            if (charge)
            {
                _decoded += bytes;
            }
        }

        private sealed class BoundedFilter(IFilter inner, BoundedFilterProvider owner) : IFilter
        {
            public bool IsSupported => inner.IsSupported;

            public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
            {
                if (inner is FlateFilter)
                {
                    owner.Check(owner.InflatedLength(input), charge: false);
                }

                var decoded = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
                owner.Check(decoded.Length, charge: true);
                return decoded;
            }
        }

        /// <summary>How long a zlib stream inflates to, counted until it passes what this document may still
        /// decode; damage ends the count where PdfPig's filter would also stop.</summary>
        private long InflatedLength(Memory<byte> input)
        {
            long limit = Math.Min(maxStreamBytes, maxDocumentBytes - _decoded);
            // Like PdfPig's filter, skip the two-byte zlib header that DeflateStream does not read.
            if (input.Length <= 2)
            {
                return 0;
            }

            using var compressed = MemoryMarshal.TryGetArray<byte>(input, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset + 2, segment.Count - 2, writable: false)
                : new MemoryStream(input[2..].ToArray(), writable: false);
            using var inflater = new DeflateStream(compressed, CompressionMode.Decompress);
            _scratch ??= new byte[64 * 1024];
            long total = 0;
            try
            {
                int read;
                while (total <= limit && (read = inflater.Read(_scratch)) > 0)
                {
                    total += read;
                }
            }
            catch (InvalidDataException)
            {
                // Damaged from here on; PdfPig keeps what came before, which is what was counted.
            }

            return total;
        }
    }
}
