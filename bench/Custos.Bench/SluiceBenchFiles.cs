using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Custos.Bench;

/// <summary>
/// Writers of the sluice corpus's files: ordinary, valid, clean documents of a target size (approximately; the corpus
/// reports the real sizes). Large documents get their bulk the way real ones do: PDFs and Word files from photos
/// (JPEG), spreadsheets from rows, archives from other files. Photos are noise, which compresses like a photo does not.
/// </summary>
internal static class SluiceBenchFiles
{
    private static readonly string[] Words =
    [
        "Angebot", "Rechnung", "Vertrag", "Prüfung", "Größe", "Übergabe", "Kunde", "Lieferung", "Mängel", "Bestätigung",
        "Termin", "Auftrag", "Zahlung", "Frist", "Änderung", "Protokoll", "Bericht", "Projekt", "Abnahme", "Leistung",
        "report", "invoice", "contract", "delivery", "schedule", "budget", "review", "customer", "supplier", "payment",
        "quarter", "summary", "meeting", "minutes", "draft", "final", "order", "project", "estimate", "approval",
        "and", "the", "for", "with", "of", "to", "in", "on", "by", "at", "der", "die", "das", "und", "mit", "für", "von", "zum",
    ];

    private static readonly string[] AsciiWords = Words.Where(w => w.All(char.IsAscii)).ToArray();

    public static string Word(Random random) => AsciiWords[random.Next(20, 40)];

    private static string Sentence(Random random, int words, bool ascii = false)
    {
        var pool = ascii ? AsciiWords : Words;
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(pool[random.Next(pool.Length)]);
        }
        return text.ToString();
    }

    public static void Text(string path, long size, Random random)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        using var writer = new StreamWriter(file, new UTF8Encoding(false));
        while (file.Position + 4096 < size || Below(writer, file, size)) writer.WriteLine(Sentence(random, 6 + random.Next(12)) + ".");
    }

    public static void Csv(string path, long size, Random random)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        using var writer = new StreamWriter(file, new UTF8Encoding(false));
        writer.WriteLine("id,date,customer,item,quantity,amount,city");
        string[] cities = ["Berlin", "München", "Köln", "Hamburg", "Leipzig", "Düsseldorf"];
        var id = 1;
        while (file.Position + 4096 < size || Below(writer, file, size))
        {
            var date = new DateOnly(2026, 1, 1).AddDays(random.Next(330));
            writer.WriteLine($"{id++},{date:yyyy-MM-dd},{Word(random)} {Word(random)},{Words[random.Next(Words.Length)]},{random.Next(1, 500)}," +
                             $"{random.Next(100, 10_000_000) / 100.0:F2},{cities[random.Next(cities.Length)]}");
        }
    }

    /// <summary>Unrecognised binary content; a fixed start keeps it from looking like any known format by chance.</summary>
    public static void Data(string path, long size, Random random)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        file.Write([0x00, 0x43, 0x53, 0x54, 0x42, 0x4E, 0x43, 0x48, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
        var buffer = new byte[1 << 20];
        for (var left = size - 16; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
        }
    }

    public static void Png(string path, long size, Random random)
    {
        var (width, height) = Dimensions(Math.Max(64, (size - 200) / 3));
        using var image = Noise(width, height, random);
        image.SaveAsPng(path, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
    }

    public static void Jpeg(string path, long size, Random random)
    {
        var (width, height) = Dimensions(Math.Max(64, (long)((size - 700) / JpegPool.BytesPerPixel)));
        using var image = Noise(width, height, random);
        image.SaveAsJpeg(path, new JpegEncoder { Quality = JpegPool.Quality });
    }

    /// <summary>Width and height (4:3) of an image with about <paramref name="pixels"/> pixels.</summary>
    public static (int Width, int Height) Dimensions(long pixels)
    {
        var width = Math.Max(8, (int)Math.Sqrt(pixels * 4 / 3.0));
        return (width, Math.Max(8, (int)(pixels / width)));
    }

    public static Image<Rgb24> Noise(int width, int height, Random random)
    {
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++) random.NextBytes(MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
        });
        return image;
    }

    /// <summary>A PDF 1.7 with Helvetica text on every page and, from 64 KiB, one photo per page; written by hand with its cross-reference table.</summary>
    public static void Pdf(string path, long size, Random random, JpegPool pool)
    {
        var photos = size >= 64 << 10 ? pool.Fill(size - 8192, random) : [];
        using var file = new FileStream(path, FileMode.CreateNew);
        var offsets = new SortedDictionary<int, long>();
        void Write(string s) => file.Write(Encoding.ASCII.GetBytes(s));
        void Begin(int obj)
        {
            offsets[obj] = file.Position;
            Write($"{obj} 0 obj\n");
        }

        Write("%PDF-1.7\n%");
        // Four bytes above 127 tell transfer programs that the file is binary.
        file.Write([0xE2, 0xE3, 0xCF, 0xD3, 0x0A]);
        Begin(1);
        Write("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        Begin(3);
        Write("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n");
        var kids = new List<int>();
        var next = 4;
        for (var page = 0; page < 500 && (page < Math.Max(1, photos.Count) || (photos.Count == 0 && file.Position < size - 600)); page++)
        {
            var photo = page < photos.Count ? photos[page] : null;
            int pageObj = next++, contentObj = next++, imageObj = photo is null ? 0 : next++;
            kids.Add(pageObj);
            Begin(pageObj);
            var xobject = photo is null ? "" : $" /XObject << /Im1 {imageObj} 0 R >>";
            Write($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >>{xobject} >> /Contents {contentObj} 0 R >>\nendobj\n");

            var content = new StringBuilder("BT /F1 10 Tf 14 TL 50 800 Td\n");
            for (var line = 0; line < (photo is null ? 52 : 8); line++) content.Append('(').Append(Sentence(random, 10 + random.Next(5), ascii: true)).Append(") Tj T*\n");
            content.Append("ET\n");
            if (photo is not null)
            {
                var height = Math.Min(600, 495.0 * photo.Height / photo.Width);
                content.Append(System.FormattableString.Invariant($"q 495 0 0 {height:F1} 50 {660 - height:F1} cm /Im1 Do Q\n"));
            }
            var packed = Deflate(Encoding.ASCII.GetBytes(content.ToString()));
            Begin(contentObj);
            Write($"<< /Length {packed.Length} /Filter /FlateDecode >>\nstream\n");
            file.Write(packed);
            Write("\nendstream\nendobj\n");
            if (photo is null) continue;
            Begin(imageObj);
            Write($"<< /Type /XObject /Subtype /Image /Width {photo.Width} /Height {photo.Height} /ColorSpace /DeviceRGB /BitsPerComponent 8 " +
                  $"/Filter /DCTDecode /Length {photo.Bytes.Length} >>\nstream\n");
            file.Write(photo.Bytes);
            Write("\nendstream\nendobj\n");
        }
        Begin(2);
        Write($"<< /Type /Pages /Kids [{string.Join(' ', kids.Select(k => $"{k} 0 R"))}] /Count {kids.Count} >>\nendobj\n");
        var info = next++;
        Begin(info);
        Write($"<< /Producer (Custos sluice benchmark) /Title ({Sentence(random, 4, ascii: true)}) >>\nendobj\n");
        var xref = file.Position;
        Write($"xref\n0 {next}\n0000000000 65535 f \n");
        for (var obj = 1; obj < next; obj++) Write($"{offsets[obj]:D10} 00000 n \n");
        Write($"trailer\n<< /Size {next} /Root 1 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal)) zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>A Word document: paragraphs of text and, from 64 KiB, photos inline, one per paragraph.</summary>
    public static void Docx(string path, long size, Random random, JpegPool pool)
    {
        var photos = size >= 64 << 10 ? pool.Fill(size - 16384, random) : [];
        using var file = new FileStream(path, FileMode.CreateNew);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Part(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
        Part(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
        using (var writer = new StreamWriter(Entry(zip, "word/document.xml").Open(), new UTF8Encoding(false)))
        {
            writer.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>""");
            writer.Write($"<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>{Sentence(random, 4)}</w:t></w:r></w:p>");
            // Text until the file reaches its size (small documents), or 30 paragraphs before the photos (large ones).
            for (var p = 0; photos.Count > 0 ? p < 30 : p % 4 != 0 || Below(writer, file, size - 1200); p++)
                writer.Write($"<w:p><w:r><w:t xml:space=\"preserve\">{Sentence(random, 40 + random.Next(80))}.</w:t></w:r></w:p>");
            for (var i = 0; i < photos.Count; i++)
            {
                const long width = 5486400; // 6 inches in EMU
                var height = width * photos[i].Height / photos[i].Width;
                writer.Write($"""<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{width}" cy="{height}"/><wp:docPr id="{i + 1}" name="Picture {i + 1}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{i + 1}" name="image{i + 1}.jpeg"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg{i + 1}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>""");
            }
            writer.Write("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\"/></w:sectPr></w:body></w:document>");
        }
        var rels = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
        for (var i = 0; i < photos.Count; i++)
            rels.Append($"""<Relationship Id="rIdImg{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image{i + 1}.jpeg"/>""");
        Part(zip, "word/_rels/document.xml.rels", rels.Append("</Relationships>").ToString());
        for (var i = 0; i < photos.Count; i++)
        {
            // Photos are stored, as Word does: deflating a JPEG gains nothing.
            using var entry = Entry(zip, $"word/media/image{i + 1}.jpeg", CompressionLevel.NoCompression).Open();
            entry.Write(photos[i].Bytes);
        }
    }

    /// <summary>A workbook of one sheet of rows (dates, names, numbers, inline strings) until the file reaches its size.</summary>
    public static void Xlsx(string path, long size, Random random)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Part(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
        Part(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        Part(zip, "xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>""");
        Part(zip, "xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
        using var writer = new StreamWriter(Entry(zip, "xl/worksheets/sheet1.xml").Open(), new UTF8Encoding(false));
        writer.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        writer.Write("""<row r="1"><c r="A1" t="inlineStr"><is><t>Datum</t></is></c><c r="B1" t="inlineStr"><is><t>Kunde</t></is></c><c r="C1" t="inlineStr"><is><t>Posten</t></is></c><c r="D1" t="inlineStr"><is><t>Menge</t></is></c><c r="E1" t="inlineStr"><is><t>Betrag</t></is></c></row>""");
        for (var r = 2; r < 1_048_576 && (r % 64 != 0 || Below(writer, file, size - 1000)); r++)
        {
            // Dates as Excel serial numbers (days since 1899-12-30).
            writer.Write($"<row r=\"{r}\"><c r=\"A{r}\"><v>{46023 + random.Next(330)}</v></c><c r=\"B{r}\" t=\"inlineStr\"><is><t>{Word(random)}</t></is></c>" +
                         $"<c r=\"C{r}\" t=\"inlineStr\"><is><t>{Words[random.Next(Words.Length)]}</t></is></c><c r=\"D{r}\"><v>{random.Next(1, 500)}</v></c>" +
                         $"<c r=\"E{r}\"><v>{random.Next(100, 10_000_000) / 100.0:F2}</v></c></row>");
        }
        writer.Write("</sheetData></worksheet>");
    }

    /// <summary>
    /// True while <paramref name="file"/> is shorter than <paramref name="limit"/>, counting what the writer holds. Into a
    /// zip entry the flush is a deflate sync flush (a block boundary, the window kept), so it is not done for every line.
    /// </summary>
    private static bool Below(StreamWriter writer, Stream file, long limit)
    {
        writer.Flush();
        return file.Position < limit;
    }

    private static readonly DateTimeOffset Stamp = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    private static ZipArchiveEntry Entry(ZipArchive zip, string name, CompressionLevel level = CompressionLevel.Optimal)
    {
        // A fixed time, so that the same seed gives the same bytes.
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = Stamp;
        return entry;
    }

    private static void Part(ZipArchive zip, string name, string xml)
    {
        using var writer = new StreamWriter(Entry(zip, name).Open(), new UTF8Encoding(false));
        writer.Write(xml);
    }

    /// <summary>A zip (deflated, as zip tools do) of other corpus files up to the size, and a short note.</summary>
    public static void Zip(string path, long size, Random random, IReadOnlyList<CorpusFile> members)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        using (var note = new StreamWriter(Entry(zip, "LIESMICH.txt").Open(), new UTF8Encoding(false)))
            note.Write(Sentence(random, 20 + (int)Math.Min(size / 8, 200)));
        foreach (var member in Members(size, random, members))
        {
            using var entry = Entry(zip, $"{member.Group}/{member.Name}").Open();
            using var source = File.OpenRead(member.Path);
            source.CopyTo(entry);
        }
    }

    public static void TarGz(string path, long size, Random random, IReadOnlyList<CorpusFile> members)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        void Add(string name, Stream data) => tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = data, ModificationTime = Stamp, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        });
        Add("LIESMICH.txt", new MemoryStream(Encoding.UTF8.GetBytes(Sentence(random, 20 + (int)Math.Min(size / 8, 200)))));
        foreach (var member in Members(size, random, members))
        {
            using var data = File.OpenRead(member.Path);
            Add($"{member.Group}/{member.Name}", data);
        }
    }

    /// <summary>Distinct files, picked at random among those that still fit, until the archive's size is (about) reached.</summary>
    private static List<CorpusFile> Members(long size, Random random, IReadOnlyList<CorpusFile> all)
    {
        var picked = new List<CorpusFile>();
        var left = size - 512;
        var candidates = all.ToList();
        while (left > 1024 && picked.Count < 200)
        {
            var fits = candidates.Where(c => c.Size <= left).ToList();
            if (fits.Count == 0) break;
            var pick = fits[random.Next(fits.Count)];
            picked.Add(pick);
            candidates.Remove(pick);
            left -= pick.Size;
        }
        return picked;
    }
}

/// <summary>
/// Photos for PDFs and Word files: noise JPEGs in sizes from 8 KiB to 2 MiB, made once, each use given a comment
/// segment of its own. Identical bytes in many files would let clamd's cache of clean content (keyed by MD5) skip
/// them, which a real corpus does not allow.
/// </summary>
internal sealed class JpegPool
{
    public const int Quality = 85;

    /// <summary>Bytes per pixel of a noise JPEG at <see cref="Quality"/> (measured with ImageSharp 2.1; sizes are approximate anyway).</summary>
    public const double BytesPerPixel = 1.9;

    public sealed record Photo(byte[] Bytes, int Width, int Height);

    private readonly Lazy<Photo>[] sizes;

    public JpegPool(int seed)
    {
        sizes = Enumerable.Range(0, 9).Select(i => new Lazy<Photo>(() => Make(8192L << i, new Random(seed ^ (0x5EED + i))))).ToArray();
    }

    /// <summary>Photos that together come to about <paramref name="budget"/> bytes, biggest first.</summary>
    public List<Photo> Fill(long budget, Random random)
    {
        var photos = new List<Photo>();
        for (var i = sizes.Length - 1; i >= 0 && photos.Count < 60; )
        {
            var photo = sizes[i].Value;
            if (photo.Bytes.Length > budget)
            {
                i--;
                continue;
            }
            photos.Add(Unique(photo, random));
            budget -= photo.Bytes.Length;
        }
        return photos;
    }

    private static Photo Unique(Photo photo, Random random)
    {
        // SOI, then a COM segment (FF FE, length including itself), then the rest of the original after its SOI.
        var comment = Encoding.ASCII.GetBytes($"custos-bench photo {random.NextInt64():x16}");
        var bytes = new byte[photo.Bytes.Length + 4 + comment.Length];
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xFE;
        bytes[4] = (byte)((comment.Length + 2) >> 8);
        bytes[5] = (byte)(comment.Length + 2);
        comment.CopyTo(bytes, 6);
        photo.Bytes.AsSpan(2).CopyTo(bytes.AsSpan(6 + comment.Length));
        return photo with { Bytes = bytes };
    }

    private static Photo Make(long size, Random random)
    {
        var (width, height) = SluiceBenchFiles.Dimensions((long)((size - 700) / BytesPerPixel));
        using var image = SluiceBenchFiles.Noise(width, height, random);
        using var output = new MemoryStream();
        image.SaveAsJpeg(output, new JpegEncoder { Quality = Quality });
        return new Photo(output.ToArray(), width, height);
    }
}
