using System.Security.Cryptography;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace Custos.Core.Sharing.Packages;

/// <summary>
/// Encrypts a PDF with PDFsharp: AES-256 with the PDF 2.0 standard security handler (V 5, R 6), the recipient's password
/// as the user password and a random one, which nobody learns, as the owner password.
/// </summary>
internal static class EncryptedPdfWriter
{
    /// <summary>PDFsharp holds a whole document's objects in memory; a larger PDF goes into the ZIP, which streams.</summary>
    public const long MaxPdfBytes = 128L * 1024 * 1024;

    /// <summary>
    /// Writes the encrypted <paramref name="plain"/> (a seekable copy) to <paramref name="output"/>, or returns why it
    /// cannot, before anything has been written to <paramref name="output"/>.
    /// </summary>
    public static async Task<string?> TryWriteAsync(FileStream plain, string password, Stream output, string workDirectory,
        CancellationToken ct)
    {
        if (plain.Length > MaxPdfBytes) return $"the PDF is larger than {MaxPdfBytes / (1024 * 1024)} MiB";

        // Saved to a file first: if PDFsharp fails half-way, the output is still untouched and can take the ZIP.
        await using var encrypted = WorkFile.Create(workDirectory);
        var failure = TryEncrypt(plain, password, encrypted);
        if (failure is not null) return failure;
        encrypted.Position = 0;
        await encrypted.CopyToAsync(output, ct);
        return null;
    }

    private static string? TryEncrypt(Stream plain, string password, Stream encrypted)
    {
        var asksForPassword = false;
        try
        {
            plain.Position = 0;
            using var document = PdfReader.Open(plain, PdfDocumentOpenMode.Modify, args =>
            {
                // Only an encrypted PDF asks; its password is not ours to know.
                asksForPassword = true;
                args.Abort = true;
            });
            if (asksForPassword || document is null) return "the PDF is encrypted already";

            document.SecurityHandler.SetEncryptionToV5(encryptMetadata: true);
            var security = document.SecuritySettings;
            security.UserPassword = password;
            // Random, so that no one holds the rights to change what the PDF permits.
            security.OwnerPassword = RandomNumberGenerator.GetHexString(64, lowercase: true);
            var reason = "";
            if (!document.CanSave(ref reason)) return "PDFsharp cannot save the PDF encrypted";
            document.Save(encrypted, closeStream: false);
            return null;
        }
        // PDFsharp answers a PDF it cannot read with many kinds of exception; none of them may fail the share. Its
        // message can quote the file's content, so only the type is kept.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return asksForPassword
                ? "the PDF is encrypted already"
                : $"PDFsharp cannot read or rewrite the PDF ({e.GetType().Name})";
        }
    }
}
