using System.Diagnostics;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Tests.Sluice.Antivirus;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// The backup benchmark's data set: documents of mixed sizes in a few tenants and folders, stored in-process through the
/// real document services (<see cref="DocumentUploads.CreateAsync(TenantId, Guid, string?, string?, string?, Stream, DocumentCaller, CancellationToken)"/>,
/// no HTTP, no sluice), so the blobs are the real encrypted blobs and the database the real one; and the 1% change
/// (check-out and check-in of a new version) between the two backups. The content is the tests' pseudo-random
/// <see cref="GeneratedStream"/> (the same sequence in every document; each blob is encrypted under a key of its own, so
/// restic sees unique, incompressible ciphertext either way).
/// </summary>
internal sealed class BackupBenchData
{
    public const int Tenants = 3;
    public const int FoldersPerTenant = 4;
    private const int Writers = 8;

    public sealed record Doc(TenantId Tenant, Guid Id, string Name, long Size);

    private readonly IServiceProvider services;
    private readonly DocumentCaller caller;

    private BackupBenchData(IServiceProvider services, DocumentCaller caller, List<Doc> documents)
    {
        this.services = services;
        this.caller = caller;
        Documents = documents;
    }

    public IReadOnlyList<Doc> Documents { get; }
    public long Bytes => Documents.Sum(d => d.Size);

    /// <summary>
    /// Sizes drawn log-uniformly from three classes (a few of 20–50 MiB, 5% of 0.5–5 MiB, the rest 10–100 KiB), shuffled,
    /// then scaled together so that they add up to <paramref name="totalBytes"/>; the same seed gives the same sizes.
    /// </summary>
    public static long[] Sizes(int count, long totalBytes, int seed = 8)
    {
        var random = new Random(seed);
        var large = Math.Max(1, (int)Math.Round(count * 0.002));
        var medium = Math.Max(1, (int)Math.Round(count * 0.05));
        double LogUniform(double from, double to) => from * Math.Pow(to / from, random.NextDouble());
        var raw = new double[count];
        for (var i = 0; i < count; i++)
            raw[i] = i < large ? LogUniform(20 << 20, 50 << 20) : i < large + medium ? LogUniform(512 << 10, 5 << 20) : LogUniform(10 << 10, 100 << 10);
        random.Shuffle(raw);
        var scale = totalBytes / raw.Sum();
        return raw.Select(r => Math.Max(1L, (long)(r * scale))).ToArray();
    }

    /// <summary>Three tenants with four folders each (user "bench" may write in all), then <paramref name="sizes"/>.Length documents, eight writers at once.</summary>
    public static async Task<BackupBenchData> CreateAsync(BenchServer server, long[] sizes)
    {
        var tenants = new List<TenantId> { await server.DocumentWriterAsync("bench", "Bench-1") };
        for (var t = 2; t <= Tenants; t++)
        {
            await server.CliAsync("tenant", "add", $"Bench-{t}");
            await server.CliAsync("tenant", "grant", $"Bench-{t}", "docs", "--documents", "write");
            await using var db = server.Context();
            tenants.Add(db.Tenants.Single(x => x.Name == $"Bench-{t}").Id);
        }
        var services = server.Host.Services;
        var user = await DocumentBench.UserIdAsync(server, "bench");
        var caller = new DocumentCaller(user, "bench", new Actor("bench", "127.0.0.1"), "api");
        var folders = new List<(TenantId Tenant, Guid Folder)>();
        var folderService = services.GetRequiredService<DocumentFolders>();
        foreach (var tenant in tenants)
        {
            for (var f = 0; f < FoldersPerTenant; f++)
            {
                var created = await folderService.CreateAsync(tenant, $"Folder {f + 1}", null, null, caller);
                folders.Add((tenant, created.Succeeded ? created.Value!.Id : throw new InvalidOperationException($"folder: {created.Error!.Message}")));
            }
        }

        var uploads = services.GetRequiredService<DocumentUploads>();
        var documents = new Doc?[sizes.Length];
        await Parallel.ForAsync(0, sizes.Length, new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (i, ct) =>
        {
            var (tenant, folder) = folders[i % folders.Count];
            var name = $"doc-{i:D5}.bin";
            await using var body = new GeneratedStream(sizes[i]);
            var r = await uploads.CreateAsync(tenant, folder, name, "application/octet-stream", null, body, caller, ct);
            documents[i] = r.Succeeded ? new Doc(tenant, r.Value!.Id, name, sizes[i]) : throw new InvalidOperationException($"upload {name}: {r.Error!.Message}");
        });
        return new BackupBenchData(services, caller, documents.Select(d => d!).ToList());
    }

    /// <summary>
    /// Every hundredth document (1%, spread over the mix; another hundredth in each round) gets a new version of the same
    /// size through check-out and check-in, except <paramref name="spare"/>; returns the documents changed and the bytes written.
    /// </summary>
    public async Task<(int Documents, long Bytes, TimeSpan Elapsed)> ChangeOnePercentAsync(Guid spare, int round)
    {
        var locks = services.GetRequiredService<DocumentLocks>();
        var uploads = services.GetRequiredService<DocumentUploads>();
        var chosen = Documents.Where((d, i) => i % 100 == (50 + round) % 100 && d.Id != spare).ToList();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (d, ct) =>
        {
            var locked = await locks.CheckOutAsync(d.Tenant, d.Id, caller, ct);
            if (!locked.Succeeded) throw new InvalidOperationException($"check-out {d.Name}: {locked.Error!.Message}");
            await using var body = new GeneratedStream(d.Size);
            var r = await uploads.CheckInAsync(d.Tenant, d.Id, "application/octet-stream", "bench: 1% change", body, caller, ct);
            if (!r.Succeeded) throw new InvalidOperationException($"check-in {d.Name}: {r.Error!.Message}");
        });
        return (chosen.Count, chosen.Sum(d => d.Size), clock.Elapsed);
    }

    /// <summary>The document for the single-document restore: the one closest to 2 MiB (a "MiB-sized" one of the middle class).</summary>
    public Doc MidSized() => Documents.MinBy(d => Math.Abs(d.Size - (2L << 20)))!;
}
