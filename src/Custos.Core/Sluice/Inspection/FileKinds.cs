namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// The catalog of file kinds the inspector recognises by content. A tenant's allow-list names kind ids; the extensions
/// are what an uploader's file name may declare for a kind (a declared kind that the content is not is a mismatch).
/// </summary>
public static class FileKinds
{
    public static FileKind Pdf { get; } = new("pdf", "application/pdf", ["pdf"]);
    public static FileKind Docx { get; } = new("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ["docx", "dotx"]);
    public static FileKind Docm { get; } = new("docm", "application/vnd.ms-word.document.macroEnabled.12", ["docm", "dotm"]);
    public static FileKind Xlsx { get; } = new("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ["xlsx", "xltx"]);
    public static FileKind Xlsm { get; } = new("xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", ["xlsm", "xltm", "xlam", "xlsb"]);
    public static FileKind Pptx { get; } = new("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ["pptx", "potx", "ppsx"]);
    public static FileKind Pptm { get; } = new("pptm", "application/vnd.ms-powerpoint.presentation.macroEnabled.12", ["pptm", "potm", "ppsm", "ppam"]);
    public static FileKind Odt { get; } = new("odt", "application/vnd.oasis.opendocument.text", ["odt", "ott"]);
    public static FileKind Ods { get; } = new("ods", "application/vnd.oasis.opendocument.spreadsheet", ["ods", "ots"]);
    public static FileKind Odp { get; } = new("odp", "application/vnd.oasis.opendocument.presentation", ["odp", "otp"]);
    public static FileKind Doc { get; } = new("doc", "application/msword", ["doc", "dot"]);
    public static FileKind Xls { get; } = new("xls", "application/vnd.ms-excel", ["xls", "xlt"]);
    public static FileKind Ppt { get; } = new("ppt", "application/vnd.ms-powerpoint", ["ppt", "pot", "pps"]);
    public static FileKind Msg { get; } = new("msg", "application/vnd.ms-outlook", ["msg"]);
    public static FileKind Rtf { get; } = new("rtf", "application/rtf", ["rtf"]);
    public static FileKind Zip { get; } = new("zip", "application/zip", ["zip"]);
    public static FileKind SevenZip { get; } = new("7z", "application/x-7z-compressed", ["7z"]);
    public static FileKind Tar { get; } = new("tar", "application/x-tar", ["tar"]);
    public static FileKind Gzip { get; } = new("gzip", "application/gzip", ["gz", "tgz", "gzip"]);
    public static FileKind Png { get; } = new("png", "image/png", ["png"]);
    public static FileKind Jpeg { get; } = new("jpeg", "image/jpeg", ["jpg", "jpeg", "jpe", "jfif"]);
    public static FileKind Gif { get; } = new("gif", "image/gif", ["gif"]);
    public static FileKind Webp { get; } = new("webp", "image/webp", ["webp"]);
    public static FileKind Tiff { get; } = new("tiff", "image/tiff", ["tif", "tiff"]);
    public static FileKind Bmp { get; } = new("bmp", "image/bmp", ["bmp", "dib"]);
    public static FileKind Text { get; } = new("text", "text/plain", ["txt", "text", "log", "md", "markdown"]);
    public static FileKind Csv { get; } = new("csv", "text/csv", ["csv", "tsv"]);
    public static FileKind Xml { get; } = new("xml", "application/xml", ["xml", "xsd"]);
    public static FileKind Json { get; } = new("json", "application/json", ["json"]);
    public static FileKind Html { get; } = new("html", "text/html", ["html", "htm", "xhtml", "xht"]);
    public static FileKind Svg { get; } = new("svg", "image/svg+xml", ["svg"]);
    public static FileKind Eml { get; } = new("eml", "message/rfc822", ["eml"]);
    public static FileKind Pe { get; } = new("pe", "application/vnd.microsoft.portable-executable", ["exe", "dll", "sys", "scr", "cpl", "ocx", "efi"]);
    public static FileKind Elf { get; } = new("elf", "application/x-elf", ["elf", "so"]);
    public static FileKind MachO { get; } = new("macho", "application/x-mach-binary", ["dylib"]);

    /// <summary>Windows Installer packages (an OLE compound file with the installer's class id): they install and run code.</summary>
    public static FileKind Msi { get; } = new("msi", "application/x-msi", ["msi", "msp", "mst"]);

    public static FileKind Script { get; } = new("script", "text/x-script",
        ["js", "jse", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "psd1", "bat", "cmd", "sh", "hta", "py", "pyw"]);

    public static FileKind Lnk { get; } = new("lnk", "application/x-ms-shortcut", ["lnk"]);

    /// <summary>Unrecognised binary content. It declares no extension, so any name fits it.</summary>
    public static FileKind Data { get; } = new("data", "application/octet-stream", []);

    public static IReadOnlyList<FileKind> All { get; } =
    [
        Pdf, Docx, Docm, Xlsx, Xlsm, Pptx, Pptm, Odt, Ods, Odp, Doc, Xls, Ppt, Msg, Rtf, Zip, SevenZip, Tar, Gzip,
        Png, Jpeg, Gif, Webp, Tiff, Bmp, Text, Csv, Xml, Json, Html, Svg, Eml, Pe, Elf, MachO, Msi, Script, Lnk, Data,
    ];

    /// <summary>Every kind except executables, installers, scripts, shortcuts and macro-enabled Office documents.</summary>
    public static IReadOnlySet<string> DefaultAllowed { get; } = All
        .Select(k => k.Id)
        .Except(["pe", "elf", "macho", "msi", "script", "lnk", "docm", "xlsm", "pptm"])
        .ToHashSet(StringComparer.Ordinal);

    private static readonly Dictionary<string, FileKind> ById = All.ToDictionary(k => k.Id, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, FileKind> ByExtension = All
        .SelectMany(k => k.Extensions.Select(e => (e, k)))
        .ToDictionary(p => p.e, p => p.k, StringComparer.OrdinalIgnoreCase);

    public static FileKind? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>The kind a file name's extension declares, or null when the extension is missing or unknown.</summary>
    public static FileKind? FromExtension(string? extension) =>
        string.IsNullOrEmpty(extension) ? null : ByExtension.GetValueOrDefault(extension);

    internal static bool IsExecutable(FileKind kind) => kind == Pe || kind == Elf || kind == MachO || kind == Msi;

    internal static bool IsOfficeOpenXml(FileKind kind) =>
        kind == Docx || kind == Docm || kind == Xlsx || kind == Xlsm || kind == Pptx || kind == Pptm;

    internal static bool IsOpenDocument(FileKind kind) => kind == Odt || kind == Ods || kind == Odp;

    internal static bool IsImage(FileKind kind) =>
        kind == Png || kind == Jpeg || kind == Gif || kind == Webp || kind == Tiff || kind == Bmp;

    /// <summary>Text that a text editor shows as it is (markup included).</summary>
    internal static bool IsTextLike(FileKind kind) =>
        kind == Text || kind == Csv || kind == Json || kind == Xml || kind == Html || kind == Svg || kind == Eml;
}
