namespace Custos.Core.Sharing.Packages;

/// <summary>What a sensitive-mode share hands out instead of the raw files.</summary>
public enum PackageKind
{
    /// <summary>The share's only file, a PDF, encrypted with AES-256 (PDF 2.0 standard security handler, R 6).</summary>
    EncryptedPdf,

    /// <summary>All files in a ZIP whose entries are encrypted with WinZip AES-256 (AE-2).</summary>
    EncryptedZip,
}
