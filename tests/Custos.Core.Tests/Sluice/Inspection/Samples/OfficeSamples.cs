using System.Text;

namespace Custos.Core.Tests.Sluice.Inspection.Samples;

/// <summary>Minimal Office Open XML and OpenDocument packages, assembled part by part.</summary>
internal static class OfficeSamples
{
    private const string WordMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private const string WordMacroMain = "application/vnd.ms-word.document.macroEnabled.main+xml";

    /// <summary>A one-paragraph Word document.</summary>
    public static byte[] Docx() => Word(WordMain, []);

    /// <summary>A macro-enabled document: macro main content type, vbaProject.bin (a compound file with a VBA project).</summary>
    public static byte[] Docm() => Word(WordMacroMain,
        [("word/vbaProject.bin", CompoundFileWriter.WordDocument(withMacros: true))],
        "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>");

    /// <summary>A document whose content types say macro-enabled, though nothing else does (a .docm renamed .docx).</summary>
    public static byte[] MacroContentTypeOnly() => Word(WordMacroMain, []);

    /// <summary>Remote template injection: settings.xml.rels points to a template on a web server.</summary>
    public static byte[] ExternalTemplate() => Word(WordMain,
    [
        ("word/_rels/settings.xml.rels", Utf8(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate\""
            + " Target=\"https://templates.example.net/invoice.dotm\" TargetMode=\"External\"/></Relationships>")),
        ("word/settings.xml", Utf8("<?xml version=\"1.0\"?><w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>")),
    ]);

    /// <summary>An embedded OLE object in its usual place.</summary>
    public static byte[] WithEmbeddedOleObject() => Word(WordMain,
        [("word/embeddings/oleObject1.bin", CompoundFileWriter.WordDocument(withMacros: false))]);

    /// <summary>A text document of OpenDocument, optionally with a Basic macro library.</summary>
    public static byte[] Odt(bool withMacros)
    {
        var parts = new List<(string, byte[])>
        {
            ("mimetype", Utf8("application/vnd.oasis.opendocument.text")),
            ("content.xml", Utf8("<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>")),
            ("META-INF/manifest.xml", Utf8("<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>")),
        };
        if (withMacros) parts.Add(("Basic/Standard/Module1.xml", Utf8("<?xml version=\"1.0\"?><script:module xmlns:script=\"http://openoffice.org/2000/script\"/>")));
        return ArchiveSamples.Zip(System.IO.Compression.CompressionLevel.NoCompression, [.. parts]);
    }

    private static byte[] Word(string mainType, (string Name, byte[] Data)[] extraParts, string extraTypes = "")
    {
        var parts = new List<(string, byte[])>
        {
            ("[Content_Types].xml", Utf8(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" + extraTypes
                + $"<Override PartName=\"/word/document.xml\" ContentType=\"{mainType}\"/></Types>")),
            ("_rels/.rels", Utf8(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
                + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"https://example.org/\" TargetMode=\"External\"/>"
                + "</Relationships>")),
            ("word/document.xml", Utf8(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                + "<w:body><w:p><w:r><w:t>Quarterly figures</w:t></w:r></w:p></w:body></w:document>")),
        };
        parts.AddRange(extraParts);
        return ArchiveSamples.Zip([.. parts]);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
