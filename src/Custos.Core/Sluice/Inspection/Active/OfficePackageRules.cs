using System.Xml;

namespace Custos.Core.Sluice.Inspection.Active;

/// <summary>
/// Active content of Office Open XML packages, found by part name, by the declared content types and by the
/// relationships: VBA projects and Excel 4.0 macro sheets, ActiveX controls, remote templates and frames (template
/// injection), embedded OLE objects.
/// </summary>
internal static class OfficePackageRules
{
    private const int MaxXmlCharacters = 16 << 20;

    /// <summary>Relationship types that make Office fetch and load something when the document opens.</summary>
    private static readonly string[] LoadingRelationships = ["attachedTemplate", "oleObject", "frame", "subDocument"];

    public static Finding? CheckPartName(string name)
    {
        var path = name.Replace('\\', '/');
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return null;
        var last = segments[^1];
        var where = $"part {FileNames.ForReport(path)}";
        if (last.Equals("vbaProject.bin", StringComparison.OrdinalIgnoreCase) || last.Equals("vbaData.xml", StringComparison.OrdinalIgnoreCase))
            return Finding.Block(InspectionCodes.ActiveMacro, $"VBA project ({where})");
        if (segments.Any(s => s.Equals("macrosheets", StringComparison.OrdinalIgnoreCase) || s.Equals("intlMacrosheets", StringComparison.OrdinalIgnoreCase)))
            return Finding.Block(InspectionCodes.ActiveMacro, $"Excel 4.0 macro sheet ({where})");
        if (segments[..^1].Any(s => s.Equals("activeX", StringComparison.OrdinalIgnoreCase)))
            return Finding.Block(InspectionCodes.ActiveActiveX, $"ActiveX control ({where})");
        if (segments.Length > 1 && segments[^2].Equals("embeddings", StringComparison.OrdinalIgnoreCase)
            && last.StartsWith("oleObject", StringComparison.OrdinalIgnoreCase) && last.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
            return Finding.Review(InspectionCodes.ActiveEmbeddedObject, $"embedded OLE object ({where})");
        return null;
    }

    public static bool IsContentTypes(string name) => name.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase);

    public static bool IsRelationships(string name) => name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);

    /// <summary>Macro-enabled or ActiveX content types declared in [Content_Types].xml.</summary>
    public static Finding? CheckContentTypes(IEnumerable<string>? types)
    {
        if (types is null) return Finding.Block(InspectionCodes.ActiveMalformed, "[Content_Types].xml is not well-formed XML");
        foreach (var type in types)
        {
            if (type.Contains("macroenabled", StringComparison.OrdinalIgnoreCase) || type.Contains("vbaproject", StringComparison.OrdinalIgnoreCase)
                || type.Contains("macrosheet", StringComparison.OrdinalIgnoreCase))
                return Finding.Block(InspectionCodes.ActiveMacro, $"macro content type {type}");
            if (type.Contains("activex", StringComparison.OrdinalIgnoreCase))
                return Finding.Block(InspectionCodes.ActiveActiveX, $"ActiveX content type {type}");
        }
        return null;
    }

    /// <summary>External relationships that load a template, an OLE object, a frame or a sub-document from elsewhere.</summary>
    public static Finding? CheckRelationships(Stream part, string name)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxXmlCharacters };
        try
        {
            using var reader = XmlReader.Create(part, settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Relationship") continue;
                var mode = reader.GetAttribute("TargetMode");
                var type = reader.GetAttribute("Type") ?? "";
                if (!string.Equals(mode?.Trim(), "External", StringComparison.OrdinalIgnoreCase)) continue;
                var loading = LoadingRelationships.FirstOrDefault(t => type.TrimEnd().EndsWith("/" + t, StringComparison.OrdinalIgnoreCase));
                if (loading is not null)
                    return Finding.Block(InspectionCodes.ActiveExternalLink, $"external {loading} relationship in {FileNames.ForReport(name)}");
            }
            return null;
        }
        catch (XmlException)
        {
            // Office does not open a package with broken relationships; but what this parser refuses, another may take.
            return Finding.Block(InspectionCodes.ActiveMalformed, $"{FileNames.ForReport(name)} is not well-formed XML");
        }
    }
}

/// <summary>Macros of OpenDocument files: Basic libraries and scripts stored in the package.</summary>
internal static class OpenDocumentRules
{
    public static Finding? CheckPartName(string name)
    {
        var path = name.Replace('\\', '/');
        if ((path.StartsWith("Basic/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("Scripts/", StringComparison.OrdinalIgnoreCase))
            && !path.EndsWith('/'))
            return Finding.Block(InspectionCodes.ActiveMacro, $"macro library (part {FileNames.ForReport(path)})");
        return null;
    }
}
