using Custos.Core.Sluice.Inspection.Detection;

namespace Custos.Core.Sluice.Inspection;

/// <summary>Where a file sits: uploaded as it is, inside an archive, or a part of an Office/OpenDocument package.</summary>
internal enum EntryRole
{
    TopLevel,
    ArchiveMember,
    DocumentPart,
}

/// <summary>
/// The type check: executables by content; scripts and shortcuts by content or by a dangerous extension; a declared
/// type that the content is not; a kind the tenant does not allow. Parts of Office and OpenDocument packages get only
/// the first two (their XML and images are not files a user opens, and the package's kind is what the tenant allows).
/// </summary>
internal static class TypeRules
{
    public static Finding Check(DetectedContent content, string name, EntryRole role, IReadOnlySet<string> allowed)
    {
        var kind = content.Kind;
        var extension = FileNames.Extension(name);
        var named = extension.Length > 0 ? $" named .{extension}" : "";
        if (FileKinds.IsExecutable(kind))
            return Finding.Block(InspectionCodes.TypeExecutable, $"{kind.Id} ({kind.MediaType}){named}");
        if (kind == FileKinds.Lnk || kind == FileKinds.Script)
            return Finding.Block(InspectionCodes.TypeScript, $"{kind.Id}: {content.Note ?? kind.MediaType}{named}");
        if (FileNames.IsDangerousExtension(extension)) return DangerousName(extension, kind.Id);
        if (role == EntryRole.DocumentPart) return Ok(kind);

        var declared = FileKinds.FromExtension(extension);
        if (declared is not null && !Fits(declared, content))
            return Finding.Block(InspectionCodes.TypeMismatch, $"declared {declared.Id}, content {kind.Id}");
        if (!allowed.Contains(kind.Id))
            return Finding.Block(InspectionCodes.TypeNotAllowed, $"{kind.Id} ({kind.MediaType}) is not an allowed kind");
        return Ok(kind);
    }

    /// <summary>The part of the check that needs only a name (for entries whose content cannot be read).</summary>
    public static Finding? CheckName(string name)
    {
        var extension = FileNames.Extension(name);
        return FileNames.IsDangerousExtension(extension) ? DangerousName(extension, "unread") : null;
    }

    /// <summary>
    /// Whether content of one kind may carry a name that declares another. Sensible equivalences only: text under any
    /// text name; an Office or OpenDocument package under .zip (it is one, and it is inspected as one; the reverse, a
    /// plain ZIP named .docx, is a mismatch); images under each other's names (common, and images are re-encoded
    /// anyway); RTF named .doc and HTML/XML/CSV named .xls (what many programs save and export); an encrypted Office
    /// package under an Office name; the macOS metadata file that carries the name of the file it describes.
    /// </summary>
    public static bool Fits(FileKind declared, DetectedContent content)
    {
        var kind = content.Kind;
        if (declared == kind || content.FileSystemMetadata) return true;
        if (FileKinds.IsTextLike(declared) && FileKinds.IsTextLike(kind)) return true;
        if (declared == FileKinds.Zip && (FileKinds.IsOfficeOpenXml(kind) || FileKinds.IsOpenDocument(kind))) return true;
        if (FileKinds.IsImage(declared) && FileKinds.IsImage(kind)) return true;
        if (declared == FileKinds.Doc && kind == FileKinds.Rtf) return true;
        if (declared == FileKinds.Xls && FileKinds.IsTextLike(kind)) return true;
        return content.EncryptedPackage && FileKinds.IsOfficeOpenXml(declared);
    }

    private static Finding DangerousName(string extension, string kindId) =>
        Finding.Block(InspectionCodes.TypeScript, $"extension .{extension} runs when opened (content {kindId})");

    private static Finding Ok(FileKind kind) => Finding.Pass(InspectionCodes.TypeOk, $"{kind.Id} ({kind.MediaType})");
}
