namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// The stable codes of the type, archive and active-content checks. They key the localised reasons users see, so a code
/// is never renamed; a new finding gets a new code.
/// </summary>
public static class InspectionCodes
{
    public const string TypeOk = "type.ok";
    public const string TypeExecutable = "type.executable";
    public const string TypeScript = "type.script";
    public const string TypeMismatch = "type.mismatch";
    public const string TypeNotAllowed = "type.not-allowed";
    public const string TypeMalformed = "type.malformed";

    public const string ArchiveNone = "archive.none";
    public const string ArchiveOk = "archive.ok";
    public const string ArchiveDepth = "archive.depth";
    public const string ArchiveEntries = "archive.entries";
    public const string ArchiveSize = "archive.size";
    public const string ArchiveRatio = "archive.ratio";
    public const string ArchiveEncrypted = "archive.encrypted";
    public const string ArchiveMalformed = "archive.malformed";
    public const string ArchivePath = "archive.path";

    /// <summary>An entry compressed with a method this inspector cannot decode (PPMd, XZ, WavPack ...): a reviewer decides.</summary>
    public const string ArchiveUnsupported = "archive.unsupported";

    public const string ActiveNone = "active.none";
    public const string ActiveMacro = "active.macro";
    public const string ActiveActiveX = "active.activex";
    public const string ActiveExternalLink = "active.external-link";
    public const string ActiveEmbeddedObject = "active.embedded-object";
    public const string ActivePdf = "active.pdf";
    public const string ActivePdfStreamLimit = "active.pdf-stream-limit";
    public const string ActivePdfEncrypted = "active.pdf-encrypted";
    public const string ActiveScript = "active.script";
    public const string ActiveRtfObject = "active.rtf-object";
    public const string ActiveAutorun = "active.autorun";
    public const string ActiveMalformed = "active.malformed";
}
