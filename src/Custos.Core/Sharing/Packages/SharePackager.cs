namespace Custos.Core.Sharing.Packages;

/// <summary>
/// Writes what the recipient of a sensitive-mode share (GDPR TOM 7.4) downloads instead of the raw files: an encrypted
/// package whose password the sender passes on by another channel (by phone).
/// </summary>
/// <param name="workDirectory">
/// Where a PDF is copied while it is encrypted (PDFsharp needs to seek); created if missing, its files deleted after use.
/// It holds plaintext for that time, so it belongs on the server's own data volume.
/// </param>
public sealed class SharePackager(string workDirectory)
{
    private const string PdfMediaType = "application/pdf";
    private const string ZipMediaType = "application/zip";
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();

    /// <summary>
    /// Writes the encrypted package of <paramref name="files"/> with <paramref name="password"/> to
    /// <paramref name="output"/> (not disposed): an AES-256 encrypted PDF when there is exactly one file and it is a PDF
    /// (by its <c>%PDF-</c> header, not its name), otherwise a WinZip AES-256 ZIP of all files. A PDF that PDFsharp
    /// cannot encrypt goes into the ZIP instead, and the result says why.
    /// </summary>
    /// <param name="zipName">Base name of a ZIP (e.g. "Vertrag-2026"), without extension.</param>
    /// <exception cref="ArgumentException">No files, an empty password, or a file name or zip name that is not a plain file name.</exception>
    public async Task<PackageResult> WriteAsync(IReadOnlyList<PackageFile> files, string password, string zipName, Stream output,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(output);
        if (files.Count == 0) throw new ArgumentException("A package needs at least one file.", nameof(files));
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("The package password is empty.", nameof(password));
        if (string.IsNullOrEmpty(zipName)) throw new ArgumentException("The zip name is empty.", nameof(zipName));
        var zipFileName = PackageEntryNames.Checked(zipName + ".zip", nameof(zipName));
        var names = PackageEntryNames.Assign(files);

        if (files.Count > 1)
        {
            await EncryptedZipWriter.WriteAsync([.. files.Select((file, i) => file with { Name = names[i] })], password, output, ct);
            return new PackageResult(PackageKind.EncryptedZip, zipFileName, ZipMediaType, null);
        }

        var only = files[0];
        var input = await only.OpenAsync(ct);
        await using (input)
        {
            var head = new byte[PdfMagic.Length];
            var headLength = await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            if (!head.AsSpan(0, headLength).SequenceEqual(PdfMagic))
            {
                var replayed = new HeadReplayingStream(head.AsMemory(0, headLength), input);
                await EncryptedZipWriter.WriteAsync([Opened(only, names[0], replayed)], password, output, ct);
                return new PackageResult(PackageKind.EncryptedZip, zipFileName, ZipMediaType, null);
            }

            await using var copy = WorkFile.Create(workDirectory);
            await copy.WriteAsync(head, ct);
            await input.CopyToAsync(copy, ct);

            var fallbackReason = await EncryptedPdfWriter.TryWriteAsync(copy, password, output, workDirectory, ct);
            if (fallbackReason is null) return new PackageResult(PackageKind.EncryptedPdf, names[0], PdfMediaType, null);

            copy.Position = 0;
            await EncryptedZipWriter.WriteAsync([Opened(only, names[0], copy)], password, output, ct);
            return new PackageResult(PackageKind.EncryptedZip, zipFileName, ZipMediaType, fallbackReason);
        }
    }

    // The ZIP writer disposes what it opens; disposing these twice (here and there) is harmless.
    private static PackageFile Opened(PackageFile file, string name, Stream content) =>
        file with { Name = name, OpenAsync = _ => Task.FromResult(content) };
}
