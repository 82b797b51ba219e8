namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>Walks a ZIP archive (and the ZIP inside Office and OpenDocument files) from its central directory.</summary>
internal static class ZipWalker
{
    private static string LinkTarget(Stream decoded)
    {
        var target = new byte[4096];
        var length = decoded.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.UTF8.GetString(target, 0, length);
    }

    public static void Walk(Stream zip, ContainerWalk walk)
    {
        var directory = ZipDirectory.Open(zip);
        walk.Budget.ReserveEntries(directory.EntryCount, walk.Where);
        var entries = directory.ReadEntries(walk.Cancellation).ToList();
        ZipDirectory.CheckNoOverlap(entries);
        // Any package with [Content_Types].xml is read as Office Open XML, whatever its main part says it is.
        if (walk.Style == PackageStyle.Archive && entries.Any(e => e.Name == "[Content_Types].xml")) walk.Style = PackageStyle.OfficePackage;

        foreach (var entry in entries)
        {
            walk.Cancellation.ThrowIfCancellationRequested();
            var name = entry.EffectiveName;
            if (!walk.Admit(name, entry.IsDirectory, entry.Name)) continue;
            if (entry.IsEncrypted)
            {
                walk.Unreadable(name, Finding.Review(InspectionCodes.ArchiveEncrypted, "encrypted entry"));
                continue;
            }
            if (!ZipMethods.IsSupported(entry.Method))
            {
                walk.Unreadable(name, Finding.Review(InspectionCodes.ArchiveUnsupported, $"compression method {entry.Method} cannot be inspected"));
                continue;
            }
            using var decoded = ZipMethods.Decode(entry.Method, directory.OpenRawData(entry), entry);
            if (entry.IsSymbolicLink)
            {
                walk.Link(name, LinkTarget(decoded), symbolic: true);
                continue;
            }
            walk.Inspect(name, decoded, entry.CompressedSize, isExpansion: entry.Method != ZipMethods.Stored);
        }
    }
}
