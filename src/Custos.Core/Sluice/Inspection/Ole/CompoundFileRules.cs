using System.Buffers.Binary;

namespace Custos.Core.Sluice.Inspection.Ole;

/// <summary>What a compound file is (Word, Excel, PowerPoint, Outlook, installer) and what active content it holds.</summary>
internal static class CompoundFileRules
{
    private static readonly Guid[] InstallerClasses =
    [
        new("000C1084-0000-0000-C000-000000000046"), // Windows Installer package (.msi)
        new("000C1086-0000-0000-C000-000000000046"), // patch (.msp)
        new("000C1082-0000-0000-C000-000000000046"), // transform (.mst)
    ];

    /// <summary>Storages and streams that hold a VBA project (Word, Excel, and the vbaProject.bin of Office Open XML).</summary>
    private static readonly HashSet<string> MacroNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "VBA", "_VBA_PROJECT", "PROJECT", "Macros", "_VBA_PROJECT_CUR",
    };

    private const int BiffGlobalsLimit = 1 << 20;

    public static (FileKind Kind, bool EncryptedPackage) Classify(CompoundFile file)
    {
        if (InstallerClasses.Contains(file.Root.ClassId)) return (FileKinds.Msi, false);
        var names = file.Children(file.Root).Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A password-protected .docx/.xlsx/.pptx is a compound file holding the encrypted package.
        if (names.Contains("EncryptedPackage") && names.Contains("EncryptionInfo")) return (FileKinds.Data, true);
        if (names.Contains("WordDocument")) return (FileKinds.Doc, false);
        if (names.Contains("Workbook") || names.Contains("Book")) return (FileKinds.Xls, false);
        if (names.Contains("PowerPoint Document")) return (FileKinds.Ppt, false);
        if (names.Any(n => n.StartsWith("__substg1.0_", StringComparison.OrdinalIgnoreCase))) return (FileKinds.Msg, false);
        return (FileKinds.Data, false);
    }

    /// <summary>VBA projects and Excel 4.0 macro sheets block; embedded OLE objects and packages go to review.</summary>
    public static Finding Scan(CompoundFile file, CancellationToken ct)
    {
        var worst = new WorstFinding();
        foreach (var entry in file.Entries)
        {
            ct.ThrowIfCancellationRequested();
            if (entry.Type == CompoundEntryType.Empty) continue;
            if (MacroNames.Contains(entry.Name))
            {
                worst.Add(Finding.Block(InspectionCodes.ActiveMacro, $"VBA project ({Describe(entry)})"));
                break;
            }
            if (entry.Name == "\u0001Ole10Native")
                worst.Add(Finding.Review(InspectionCodes.ActiveEmbeddedObject, "embedded OLE package (stream Ole10Native)"));
            else if (entry.Type == CompoundEntryType.Storage && entry.Name == "ObjectPool" && file.Children(entry).Count > 0)
                worst.Add(Finding.Review(InspectionCodes.ActiveEmbeddedObject, "embedded OLE objects (storage ObjectPool)"));
            else if (entry.Type == CompoundEntryType.Storage && entry.Name.StartsWith("MBD", StringComparison.Ordinal))
                worst.Add(Finding.Review(InspectionCodes.ActiveEmbeddedObject, $"embedded OLE object (storage {FileNames.ForReport(entry.Name)})"));
        }
        if (!worst.IsBlock && ExcelMacroSheet(file) is { } sheet) worst.Add(sheet);
        return worst.Value ?? Finding.Pass(InspectionCodes.ActiveNone, "no macros or embedded objects");
    }

    private static string Describe(CompoundEntry entry) =>
        $"{(entry.Type == CompoundEntryType.Stream ? "stream" : "storage")} {FileNames.ForReport(entry.Name)}";

    /// <summary>
    /// Excel 4.0 (XLM) macros live in macro sheets, not in a VBA storage: the workbook's BoundSheet records (BIFF5/8,
    /// record 0x85) name each sheet's type, 1 being a macro sheet and 6 a VBA module.
    /// </summary>
    private static Finding? ExcelMacroSheet(CompoundFile file)
    {
        var workbook = file.Children(file.Root).FirstOrDefault(e => e.Type == CompoundEntryType.Stream
            && (e.Name.Equals("Workbook", StringComparison.OrdinalIgnoreCase) || e.Name.Equals("Book", StringComparison.OrdinalIgnoreCase)));
        if (workbook is null) return null;
        var records = file.ReadStreamStart(workbook, BiffGlobalsLimit);
        var at = 0;
        while (at + 4 <= records.Length)
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(records.AsSpan(at));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(records.AsSpan(at + 2));
            if (type == 0x000A && at > 0) break; // end of the workbook globals
            if (type == 0x0085 && length >= 6 && at + 4 + 6 <= records.Length)
            {
                var sheetType = records[at + 4 + 5];
                var hidden = records[at + 4 + 4] != 0 ? "hidden " : "";
                if (sheetType == 1) return Finding.Block(InspectionCodes.ActiveMacro, $"{hidden}Excel 4.0 macro sheet");
                if (sheetType == 6) return Finding.Block(InspectionCodes.ActiveMacro, $"{hidden}VBA module sheet");
            }
            at += 4 + length;
        }
        return null;
    }
}
