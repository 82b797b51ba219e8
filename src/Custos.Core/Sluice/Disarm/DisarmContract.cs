namespace Custos.Core.Sluice.Disarm;

// The contract between the sluice pipeline and content disarm and reconstruction (CDR).

public enum DisarmStatus
{
    /// <summary>A safe copy was written to <see cref="DisarmResult.OutputPath"/>.</summary>
    Disarmed,

    /// <summary>No disarm exists for this kind (archives, data): the checked original is what can be released.</summary>
    NotApplicable,

    /// <summary>The converter failed, timed out or produced nothing: the file is not released as disarmed.</summary>
    Failed,
}

/// <summary>
/// The result of disarming one file. <paramref name="OutputFileName"/> is the released name (report.docx becomes
/// report.pdf); <paramref name="Method"/> says how ("ghostscript pdfimage24 150 dpi", "libreoffice+ghostscript",
/// "image re-encode png", "text utf-8") with tool versions, for the release record.
/// </summary>
public sealed record DisarmResult(DisarmStatus Status, string? OutputPath, string? OutputFileName, string? MediaType, string Method, string Detail);
