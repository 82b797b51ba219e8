using SharpCompress.Archives.SevenZip;
using SharpCompress.Common;
using SharpCompress.Readers;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>Walks a 7z archive with SharpCompress, entries in stored order (solid blocks are decoded once, front to back).</summary>
internal static class SevenZipWalker
{
    public static void Walk(Stream sevenZip, ContainerWalk walk)
    {
        sevenZip.Position = 0;
        try
        {
            WalkEntries(sevenZip, walk);
        }
        catch (CryptographicException)
        {
            // Encrypted headers: not even the names can be read.
            walk.Unreadable(Finding.Review(InspectionCodes.ArchiveEncrypted, "encrypted 7z archive"));
        }
    }

    private static void WalkEntries(Stream sevenZip, ContainerWalk walk)
    {
        using var archive = SevenZipArchive.OpenArchive(sevenZip, new ReaderOptions { LeaveStreamOpen = true });
        var entries = archive.Entries.ToList();
        walk.Budget.ReserveEntries(entries.Count, walk.Where);
        if (entries.Any(e => e.IsEncrypted))
        {
            foreach (var entry in entries)
            {
                if (walk.Admit(entry.Key ?? "", entry.IsDirectory))
                    walk.Unreadable(entry.Key ?? "", Finding.Review(InspectionCodes.ArchiveEncrypted, "encrypted entry"));
            }
            return;
        }

        using var reader = archive.ExtractAllEntries();
        while (reader.MoveToNextEntry())
        {
            walk.Cancellation.ThrowIfCancellationRequested();
            var entry = reader.Entry;
            var name = entry.Key ?? "";
            if (!walk.Admit(name, entry.IsDirectory)) continue;
            using var data = reader.OpenEntryStream();
            walk.Inspect(name, data, entry.CompressedSize > 0 && !entry.IsSolid ? entry.CompressedSize : -1, isExpansion: true);
        }
    }
}
