namespace Custos.Core.Sharing.Packages;

/// <summary>
/// What was written: the kind, the file name the recipient sees (the PDF's own name, or "&lt;given zip name&gt;.zip"),
/// its media type ("application/pdf" or "application/zip") and, when a PDF fell back to a ZIP, why.
/// </summary>
public sealed record PackageResult(PackageKind Kind, string FileName, string MediaType, string? FallbackReason);
