using System.Xml;
using Custos.Core.Sluice.Inspection.Archives;

namespace Custos.Core.Sluice.Inspection.Detection;

/// <summary>
/// Tells a plain ZIP from the ZIP containers of Office Open XML (a [Content_Types].xml part; the main part's content
/// type names the kind, macro-enabled ones included) and OpenDocument (a "mimetype" first entry).
/// </summary>
internal static class ZipContainerSniffer
{
    /// <summary>The Office package is recognised when [Content_Types].xml is among this many first entries.</summary>
    private const int EntriesSearched = 10_000;

    private const int MaxPartBytes = 4 << 20;

    private static readonly (string ContentType, FileKind Kind)[] MainParts =
    [
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", FileKinds.Docx),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", FileKinds.Docx),
        ("application/vnd.ms-word.document.macroenabled.main+xml", FileKinds.Docm),
        ("application/vnd.ms-word.template.macroenabledtemplate.main+xml", FileKinds.Docm),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", FileKinds.Xlsx),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml", FileKinds.Xlsx),
        ("application/vnd.ms-excel.sheet.macroenabled.main+xml", FileKinds.Xlsm),
        ("application/vnd.ms-excel.template.macroenabled.main+xml", FileKinds.Xlsm),
        ("application/vnd.ms-excel.addin.macroenabled.main+xml", FileKinds.Xlsm),
        ("application/vnd.ms-excel.sheet.binary.macroenabled.main", FileKinds.Xlsm),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", FileKinds.Pptx),
        ("application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml", FileKinds.Pptx),
        ("application/vnd.openxmlformats-officedocument.presentationml.template.main+xml", FileKinds.Pptx),
        ("application/vnd.ms-powerpoint.presentation.macroenabled.main+xml", FileKinds.Pptm),
        ("application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml", FileKinds.Pptm),
        ("application/vnd.ms-powerpoint.template.macroenabled.main+xml", FileKinds.Pptm),
        ("application/vnd.ms-powerpoint.addin.macroenabled.main+xml", FileKinds.Pptm),
    ];

    public static FileKind Classify(Stream content, CancellationToken ct)
    {
        ZipDirectory directory;
        try { directory = ZipDirectory.Open(content); }
        catch (InvalidDataException) { return FileKinds.Zip; }

        var index = 0;
        try
        {
            foreach (var entry in directory.ReadEntries(ct))
            {
                if (index == 0 && entry.Name == "mimetype") return OpenDocumentKind(directory, entry);
                if (entry.Name == "[Content_Types].xml") return OfficeKind(directory, entry);
                if (++index >= EntriesSearched) break;
            }
        }
        catch (InvalidDataException)
        {
            // A broken directory is the archive check's finding; as a type it stays a ZIP.
        }
        return FileKinds.Zip;
    }

    /// <summary>The content types an Office package's [Content_Types].xml declares (lower case), or null when unreadable.</summary>
    public static List<string>? ContentTypes(Stream part)
    {
        var types = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxPartBytes };
        try
        {
            using var reader = XmlReader.Create(part, settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName is not ("Override" or "Default")) continue;
                if (reader.GetAttribute("ContentType") is { } type) types.Add(type.Trim().ToLowerInvariant());
            }
            return types;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static FileKind OfficeKind(ZipDirectory directory, ZipEntryRecord entry)
    {
        using var part = ReadSmallPart(directory, entry);
        if (part is null || ContentTypes(part) is not { } types) return FileKinds.Zip;
        foreach (var (contentType, kind) in MainParts)
        {
            if (types.Contains(contentType)) return kind;
        }
        return FileKinds.Zip;
    }

    private static FileKind OpenDocumentKind(ZipDirectory directory, ZipEntryRecord entry)
    {
        using var part = ReadSmallPart(directory, entry);
        if (part is null) return FileKinds.Zip;
        var mimeType = new StreamReader(part).ReadToEnd().Trim();
        return mimeType switch
        {
            "application/vnd.oasis.opendocument.text" or "application/vnd.oasis.opendocument.text-template" => FileKinds.Odt,
            "application/vnd.oasis.opendocument.spreadsheet" or "application/vnd.oasis.opendocument.spreadsheet-template" => FileKinds.Ods,
            "application/vnd.oasis.opendocument.presentation" or "application/vnd.oasis.opendocument.presentation-template" => FileKinds.Odp,
            _ => FileKinds.Zip,
        };
    }

    /// <summary>A small part decoded into memory (at most 4 MiB, whatever its header claims), or null.</summary>
    private static MemoryStream? ReadSmallPart(ZipDirectory directory, ZipEntryRecord entry)
    {
        if (entry.IsEncrypted || !ZipMethods.IsSupported(entry.Method)) return null;
        try
        {
            using var decoded = ZipMethods.Decode(entry.Method, directory.OpenRawData(entry), entry);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = decoded.Read(chunk)) > 0)
            {
                if (buffer.Length + read > MaxPartBytes) return null;
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            return buffer;
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            return null;
        }
    }
}
