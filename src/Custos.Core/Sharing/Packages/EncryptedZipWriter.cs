using System.Buffers;
using ICSharpCode.SharpZipLib.Zip;

namespace Custos.Core.Sharing.Packages;

/// <summary>
/// Writes a ZIP whose entries are encrypted with WinZip AES-256 (AE-2: salt, password verifier, AES-CTR data and an
/// HMAC-SHA1 authentication code per entry), which 7-Zip, WinZip and libarchive open with the password.
/// </summary>
internal static class EncryptedZipWriter
{
    // One chunk of one file is all that is held at a time, so memory stays the same for a file of any size.
    private const int ChunkSize = 81920;
    private const int DeflaterBufferSize = 65536;

    /// <summary>Writes <paramref name="files"/> under their (already checked and unique) names.</summary>
    public static async Task WriteAsync(IReadOnlyList<PackageFile> files, string password, Stream output, CancellationToken ct)
    {
        var sink = new ForwardOnlyBuffer();
        var zip = new ZipOutputStream(sink, DeflaterBufferSize)
        {
            IsStreamOwner = false,
            Password = password,
            // The names are final: the default transform would rewrite them as paths.
            NameTransform = null,
        };
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            foreach (var file in files)
            {
                await using var input = await file.OpenAsync(ct);
                zip.PutNextEntry(new ZipEntry(file.Name)
                {
                    AESKeySize = 256,
                    CompressionMethod = CompressionMethod.Deflated,
                    DateTime = DateTime.Now,
                    // UTF-8 flag: "Prüfbericht.pdf" unpacks as itself, not in the unpacker's legacy code page.
                    IsUnicodeText = true,
                });
                await sink.DrainToAsync(output, ct);
                int read;
                while ((read = await input.ReadAsync(chunk.AsMemory(0, ChunkSize), ct)) > 0)
                {
                    zip.Write(chunk, 0, read);
                    await sink.DrainToAsync(output, ct);
                }
                zip.CloseEntry();
                await sink.DrainToAsync(output, ct);
            }
            zip.Finish();
            await sink.DrainToAsync(output, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        // Disposed only after a complete archive: disposing finishes it, which after a failure would only throw again.
        await zip.DisposeAsync();
    }
}
