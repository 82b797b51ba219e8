namespace Custos.Web.Sluice;

/// <summary>The reason codes the sluice's checks give, each with a text "Sluice.Reason.&lt;code&gt;" in both languages.</summary>
public static class SluiceReasons
{
    public static readonly IReadOnlyList<string> Codes =
    [
        "type.executable", "type.script", "type.mismatch", "type.not-allowed", "type.malformed",
        "archive.depth", "archive.entries", "archive.size", "archive.ratio", "archive.encrypted", "archive.malformed", "archive.path", "archive.unsupported",
        "active.autorun", "active.macro", "active.activex", "active.external-link", "active.embedded-object", "active.pdf",
        "active.pdf-stream-limit", "active.pdf-encrypted", "active.script", "active.rtf-object", "active.malformed",
        "antivirus.found", "antivirus.limit", "disarm.failed",
        "sluice.target", "sluice.integrity", "sluice.reviewer", "sluice.purged", "sluice.clean",
    ];
}
