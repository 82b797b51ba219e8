using Custos.Core.Documents.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Documents;

public static class DocumentServiceCollectionExtensions
{
    /// <summary>The document store on <paramref name="blobs"/> (the local blob folder of the data directory by default).</summary>
    public static IServiceCollection AddDocuments(this IServiceCollection services, IBlobStore blobs) =>
        services.AddSingleton(blobs)
            .AddSingleton<DocumentContent>()
            .AddSingleton<DocumentAccessCache>()
            .AddSingleton<DocumentFolders>()
            .AddSingleton<DocumentLibrary>()
            .AddSingleton<DocumentUploads>()
            .AddSingleton<DocumentLocks>()
            .AddSingleton<DocumentDownloads>()
            .AddSingleton<BlobJanitor>()
            .AddSingleton<DocumentScrub>()
            .AddSingleton<DocumentRetention>()
            .AddSingleton<RetentionClasses>()
            .AddSingleton<DocumentDeletion>()
            .AddSingleton<LegalHolds>()
            .AddSingleton<RetentionSweep>()
            .AddSingleton<DocumentIndexer>()
            .AddSingleton<DocumentTagging>()
            .AddSingleton<DocumentSearch>()
            .AddSingleton<DocumentErasure>();
}
