using System.Text.RegularExpressions;

namespace Custos.Web.Errors;

/// <summary>The routes that take files, with their body limits (the global limit stays small for everything else).</summary>
public static partial class UploadLimits
{
    /// <summary>An attachment of 10 MiB plus the multipart framing around it.</summary>
    public const long Attachment = 10 * 1024 * 1024 + 64 * 1024;
    /// <summary>A KeePass or CSV file to import, attachments included.</summary>
    public const long Import = 100 * 1024 * 1024;
    /// <summary>A document (streamed into encrypted storage, never held in memory).</summary>
    public const long Document = 20L * 1024 * 1024 * 1024;
    /// <summary>A file copied to an SSH target (streamed through, never held in memory).</summary>
    public const long SshFile = 20L * 1024 * 1024 * 1024;

    /// <summary>Routes that read multipart/form-data section by section, straight into encrypted storage: never buffered as a form.</summary>
    public static bool StreamsForm(PathString path) => PublicUploadRoute().IsMatch(path.Value ?? "") || SendRoute().IsMatch(path.Value ?? "");

    public static long? For(PathString path)
    {
        var value = path.Value ?? "";
        if (AttachmentRoute().IsMatch(value)) return Attachment;
        if (ImportRoute().IsMatch(value)) return Import;
        if (DocumentRoute().IsMatch(value)) return Document;
        if (SshFileRoute().IsMatch(value)) return SshFile;
        if (PublicUploadRoute().IsMatch(value) || SendRoute().IsMatch(value)) return Document;
        return null;
    }

    [GeneratedRegex(@"^/(api/v1/tenants/[0-9a-fA-F-]{36}/vault/entries/[0-9a-fA-F-]{36}/attachments|vault/[0-9a-fA-F-]{36}/entries/[0-9a-fA-F-]{36})/?$")]
    private static partial Regex AttachmentRoute();

    [GeneratedRegex(@"^/(api/v1/tenants/[0-9a-fA-F-]{36}/vault/import|vault/[0-9a-fA-F-]{36}/import)/?$")]
    private static partial Regex ImportRoute();

    [GeneratedRegex(@"^/api/v1/tenants/[0-9a-fA-F-]{36}/documents(/[0-9a-fA-F-]{36}/versions)?/?$")]
    private static partial Regex DocumentRoute();

    /// <summary>An upload request's file drop: the link's own size limit applies on top.</summary>
    [GeneratedRegex(@"^/u/[A-Za-z0-9_-]{43}/files/?$")]
    private static partial Regex PublicUploadRoute();

    /// <summary>Files a sender uploads for a link alone.</summary>
    [GeneratedRegex(@"^/api/v1/tenants/[0-9a-fA-F-]{36}/shares/send/?$")]
    private static partial Regex SendRoute();

    [GeneratedRegex(@"^/api/v1/tenants/[0-9a-fA-F-]{36}/vault/entries/[0-9a-fA-F-]{36}/ssh/files/?$")]
    private static partial Regex SshFileRoute();
}
