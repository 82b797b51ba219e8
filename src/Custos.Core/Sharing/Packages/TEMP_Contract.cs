namespace Custos.Core.Sharing.Packages;
public sealed record PackageFile(string Name, string MediaType, Func<CancellationToken, Task<Stream>> OpenAsync);
public enum PackageKind { EncryptedPdf, EncryptedZip }
public sealed record PackageResult(PackageKind Kind, string FileName, string MediaType, string? FallbackReason);
public sealed class SharePackager(string workDirectory)
{
    public Task<PackageResult> WriteAsync(IReadOnlyList<PackageFile> files, string password, string zipName, Stream output, CancellationToken ct = default) => throw new NotImplementedException(workDirectory);
}
