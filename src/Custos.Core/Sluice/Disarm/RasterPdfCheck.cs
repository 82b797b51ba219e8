using System.Text;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// Checks that a PDF Ghostscript rebuilt from pixels is what it should be: a header, the expected number of pages, and
/// none of the names through which a PDF carries fonts, scripts, actions, links, attachments or hidden objects.
/// </summary>
/// <remarks>
/// The file is read as PDF tokens, not searched as bytes: names are decoded (<c>/J#61vaScript</c> is /JavaScript),
/// strings and comments are skipped, and stream bodies are skipped because what a reader acts on lives in dictionaries
/// outside streams. Object streams, the one place where dictionaries hide inside a stream, are themselves refused.
/// Ghostscript's pdfimage devices write plain, uncompressed dictionaries, so this costs no false alarms.
/// </remarks>
internal static class RasterPdfCheck
{
    private static readonly HashSet<string> Forbidden = new(StringComparer.Ordinal)
    {
        "JavaScript", "JS", "OpenAction", "AA", "Launch", "EmbeddedFile", "EmbeddedFiles", "URI", "Annots", "Annot",
        "ObjStm", "XRefStm", "AcroForm", "XFA", "RichMedia", "GoToR", "GoToE", "SubmitForm", "ImportData", "Encrypt",
        "Movie", "Sound", "Rendition",
    };

    /// <summary>Pages counted (<c>/Type /Page</c>) and the first problem found, or null when the file is clean.</summary>
    public static (int Pages, string? Problem) Inspect(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var header = new byte[5];
        if (file.ReadAtLeast(header, 5, throwOnEndOfStream: false) < 5 || !header.AsSpan().SequenceEqual("%PDF-"u8))
        {
            return (0, "the output is not a PDF");
        }
        file.Position = 0;
        var reader = new TokenReader(file);
        var pages = 0;
        var previousWasType = false;
        while (reader.Next() is { } token)
        {
            if (token.Kind == TokenKind.Keyword)
            {
                if (token.Text == "stream" && !reader.SkipStreamBody()) return (pages, "a stream without endstream");
                previousWasType = false;
                continue;
            }
            var name = token.Text;
            if (name.StartsWith("Font", StringComparison.Ordinal) || Forbidden.Contains(name))
            {
                return (pages, $"the output still contains /{name}");
            }
            if (previousWasType && name == "Page") pages++;
            previousWasType = name == "Type";
        }
        return (pages, null);
    }

    private enum TokenKind { Name, Keyword }

    private readonly record struct Token(TokenKind Kind, string Text);

    /// <summary>The few PDF lexical rules needed to find names and stream bodies, over a buffered stream.</summary>
    private sealed class TokenReader(Stream stream)
    {
        private const int MaxTokenChars = 256;
        private static readonly byte[] EndStream = "endstream"u8.ToArray();
        private readonly byte[] buffer = new byte[1 << 16];
        private int position;
        private int length;

        public Token? Next()
        {
            while (true)
            {
                var b = Read();
                if (b < 0) return null;
                switch (b)
                {
                    case (byte)'%':
                        while ((b = Read()) >= 0 && b != '\n' && b != '\r') { }
                        break;
                    case (byte)'(':
                        SkipLiteralString();
                        break;
                    case (byte)'<':
                        if (Peek() == '<') Read();
                        else while ((b = Read()) >= 0 && b != '>') { }
                        break;
                    case (byte)'/':
                        return new Token(TokenKind.Name, ReadName());
                    default:
                        if (IsRegular(b)) return new Token(TokenKind.Keyword, ReadKeyword(b));
                        break;
                }
            }
        }

        /// <summary>Skips from after the <c>stream</c> keyword to after <c>endstream</c>.</summary>
        public bool SkipStreamBody()
        {
            var matched = 0;
            int b;
            while ((b = Read()) >= 0)
            {
                while (matched > 0 && b != EndStream[matched]) matched = Fallback[matched - 1];
                if (b == EndStream[matched]) matched++;
                if (matched == EndStream.Length) return true;
            }
            return false;
        }

        // Knuth-Morris-Pratt fallbacks, so "endstrendstream" in image data still finds the real end.
        private static readonly int[] Fallback = BuildFallback(EndStream);

        private static int[] BuildFallback(byte[] pattern)
        {
            var fallback = new int[pattern.Length];
            for (int i = 1, k = 0; i < pattern.Length; i++)
            {
                while (k > 0 && pattern[i] != pattern[k]) k = fallback[k - 1];
                if (pattern[i] == pattern[k]) k++;
                fallback[i] = k;
            }
            return fallback;
        }

        private void SkipLiteralString()
        {
            var depth = 1;
            int b;
            while (depth > 0 && (b = Read()) >= 0)
            {
                if (b == '\\') Read();
                else if (b == '(') depth++;
                else if (b == ')') depth--;
            }
        }

        private string ReadName()
        {
            var name = new StringBuilder();
            while (IsRegular(Peek()))
            {
                var b = Read();
                if (b == '#' && Hex(Peek()) is var hi and >= 0)
                {
                    Read();
                    var lo = Hex(Peek());
                    if (lo >= 0)
                    {
                        Read();
                        b = (hi << 4) | lo;
                    }
                    else
                    {
                        b = hi;
                    }
                }
                if (name.Length < MaxTokenChars) name.Append((char)b);
            }
            return name.ToString();
        }

        private string ReadKeyword(int first)
        {
            var word = new StringBuilder().Append((char)first);
            while (IsRegular(Peek()))
            {
                var b = Read();
                if (word.Length < MaxTokenChars) word.Append((char)b);
            }
            return word.ToString();
        }

        private static int Hex(int b) => b switch
        {
            >= '0' and <= '9' => b - '0',
            >= 'a' and <= 'f' => b - 'a' + 10,
            >= 'A' and <= 'F' => b - 'A' + 10,
            _ => -1,
        };

        private static bool IsRegular(int b) => b >= 0 && b switch
        {
            0 or 9 or 10 or 12 or 13 or 32 => false,
            '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%' => false,
            _ => true,
        };

        private int Peek()
        {
            if (position == length && !Fill()) return -1;
            return buffer[position];
        }

        private int Read()
        {
            if (position == length && !Fill()) return -1;
            return buffer[position++];
        }

        private bool Fill()
        {
            length = stream.Read(buffer, 0, buffer.Length);
            position = 0;
            return length > 0;
        }
    }
}
