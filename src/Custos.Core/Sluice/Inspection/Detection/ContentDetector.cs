using Custos.Core.Sluice.Inspection.Ole;

namespace Custos.Core.Sluice.Inspection.Detection;

/// <summary>How the rest of the inspection reads a file, beyond its kind.</summary>
internal enum ContentFormat
{
    Other,
    Pdf,
    CompoundFile,
    Zip,
    SevenZip,
    Tar,
    Gzip,
    Rtf,
    Text,
}

/// <summary>
/// What a file is by content. <paramref name="Note"/> explains a script verdict; <paramref name="EncryptedPackage"/>
/// marks a password-protected Office Open XML package (a compound file around the encrypted ZIP);
/// <paramref name="FileSystemMetadata"/> marks the AppleDouble files macOS puts beside each file it zips ("._report.docx").
/// </summary>
internal sealed record DetectedContent(
    FileKind Kind, ContentFormat Format, string? Note = null, bool EncryptedPackage = false, bool FileSystemMetadata = false)
{
    public bool IsContainer => Format is ContentFormat.Zip or ContentFormat.SevenZip or ContentFormat.Tar or ContentFormat.Gzip;
}

/// <summary>Recognises a file's kind by its content: signatures first, then the container's inside, then text.</summary>
internal static class ContentDetector
{
    private const int HeadSize = 8 * 1024;

    public static DetectedContent Detect(Stream content, string name, CancellationToken ct)
    {
        var headBuffer = new byte[(int)Math.Min(HeadSize, content.Length)];
        var head = headBuffer.AsSpan(0, StreamBytes.ReadAt(content, 0, headBuffer));

        // Executables first: a PE that also carries "%PDF" in its first KiB is still an executable.
        if (MagicNumbers.IsPe(head, content)) return new(FileKinds.Pe, ContentFormat.Other);
        if (MagicNumbers.IsElf(head)) return new(FileKinds.Elf, ContentFormat.Other);
        if (MagicNumbers.IsMachO(head)) return new(FileKinds.MachO, ContentFormat.Other);
        if (MagicNumbers.IsLnk(head)) return new(FileKinds.Lnk, ContentFormat.Other, "Windows shortcut");
        if (MagicNumbers.IsOle(head)) return CompoundFileKind(content);
        if (MagicNumbers.IsZip(head)) return new(ZipContainerSniffer.Classify(content, ct), ContentFormat.Zip);
        if (MagicNumbers.IsSevenZip(head)) return new(FileKinds.SevenZip, ContentFormat.SevenZip);
        if (MagicNumbers.IsGzip(head)) return new(FileKinds.Gzip, ContentFormat.Gzip);
        if (MagicNumbers.Image(head) is { } image) return new(image, ContentFormat.Other);
        if (MagicNumbers.IsPdf(head)) return new(FileKinds.Pdf, ContentFormat.Pdf);
        if (MagicNumbers.IsRtf(head)) return new(FileKinds.Rtf, ContentFormat.Rtf);
        if (MagicNumbers.IsTar(head)) return new(FileKinds.Tar, ContentFormat.Tar);
        if (MagicNumbers.IsAppleDouble(head)) return new(FileKinds.Data, ContentFormat.Other, "AppleDouble metadata", FileSystemMetadata: true);

        if (head.Length == 0) return new(FileKinds.Text, ContentFormat.Text, "empty");
        if (TextSniffer.IsText(content, head, ct))
        {
            var (kind, note) = TextSniffer.Classify(TextSniffer.Decode(head), head, head.Length == content.Length,
                FileNames.Extension(name));
            return new(kind, ContentFormat.Text, note);
        }
        return new(FileKinds.Data, ContentFormat.Other);
    }

    private static DetectedContent CompoundFileKind(Stream content)
    {
        try
        {
            var (kind, encrypted) = CompoundFileRules.Classify(CompoundFile.Open(content));
            return new(kind, ContentFormat.CompoundFile, null, encrypted);
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            // Unreadable structure: the active-content check reports it as malformed.
            return new(FileKinds.Data, ContentFormat.CompoundFile);
        }
    }
}
