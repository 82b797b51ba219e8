using System.IO.Pipelines;
using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Keys;
using Custos.Core.Sharing.Packages;

namespace Custos.Core.Sharing;

/// <summary>
/// Sensitive mode (TOM 7.4): assembles the encrypted package of a link (<see cref="SharePackager"/>) with a generated
/// document password and stores it like a document version, encrypted under a key of its own, while it is written: the
/// package never lies on disk in the clear. Each source version is checked against its checksum on the way.
/// </summary>
public sealed class SharePackaging(DocumentContent content, SharingOptions options)
{
    public sealed record Built(ShareItem Item, string Password, PackageResult Result);

    internal async Task<Result<Built>> BuildAsync(TenantId tenant, ShareLink link, IReadOnlyList<ShareCreation.Gathered> versions, string language,
        CancellationToken ct)
    {
        var password = SharePasswords.Generate(language);
        var opened = new List<(DocumentVersion Version, SegmentedDecryptingStream Stream)>();
        var files = versions.Select(v => new PackageFile(PackageEntryNames.Sanitized(Path.GetFileName(v.Name)), v.Version.MediaType, async token =>
        {
            var stream = await content.OpenAsync(v.Version, token) ?? throw new InvalidDataException($"The content of {v.Name} is missing.");
            lock (opened) opened.Add((v.Version, stream));
            return (Stream)stream;
        })).ToList();

        var itemId = Guid.CreateVersion7();
        Directory.CreateDirectory(options.WorkDirectory);
        var packager = new SharePackager(options.WorkDirectory);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        var zipName = ZipName(link, versions);
        var writing = Task.Run(async () =>
        {
            try
            {
                await using var output = pipe.Writer.AsStream();
                var result = await packager.WriteAsync(files, password, zipName, output, ct);
                await pipe.Writer.CompleteAsync();
                return result;
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, ct);
        DocumentContent.Stored stored;
        await using (var input = pipe.Reader.AsStream())
            stored = await content.StoreAsync(tenant, itemId, input, ct);
        PackageResult packaged;
        try
        {
            packaged = await writing;
        }
        catch
        {
            await content.DiscardAsync(stored.Address, CancellationToken.None);
            throw;
        }
        // Names the first version whose content was not exactly what was stored; the package is not kept then.
        foreach (var (version, stream) in opened)
            if (stream.PlaintextLength != version.Size || !stream.PlaintextSha256.AsSpan().SequenceEqual(version.Sha256))
            {
                await content.DiscardAsync(stored.Address, CancellationToken.None);
                return DocumentErrors.Integrity;
            }

        return new Built(new ShareItem
        {
            Id = itemId, ShareId = link.Id, TenantId = tenant, Kind = ShareItemKind.Package, Name = packaged.FileName, Size = stored.Size,
            MediaType = packaged.MediaType, Sha256 = stored.Sha256, BlobAddress = stored.Address, WrappedKey = stored.WrappedKey,
        }, password, packaged);
    }

    public Task DiscardAsync(ShareItem package, CancellationToken ct) =>
        package.BlobAddress is { } address ? content.DiscardAsync(address, ct) : Task.CompletedTask;

    /// <summary>A single document's name (made safe for an archive), else "Custos-share-yyyy-MM-dd".</summary>
    private static string ZipName(ShareLink link, IReadOnlyList<ShareCreation.Gathered> versions) =>
        versions.Count == 1 && Path.GetFileNameWithoutExtension(PackageEntryNames.Sanitized(Path.GetFileName(versions[0].Name))) is { Length: > 0 } stem
            ? stem
            : $"Custos-share-{link.CreatedAt:yyyy-MM-dd}";
}
