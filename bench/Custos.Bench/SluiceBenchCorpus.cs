using System.Diagnostics;
using System.Globalization;

namespace Custos.Bench;

/// <summary>One generated file of the sluice corpus; <see cref="Kind"/> is what it was made as, <see cref="Group"/> how it is reported.</summary>
internal sealed record CorpusFile(int Index, string Kind, string Path, string Name, long Size)
{
    public string Group => SluiceBenchCorpus.GroupOf(Kind);
}

/// <summary>
/// The sluice benchmark's corpus, generated deterministically from a seed: the kind of each file is drawn from a fixed
/// mix, its size log-uniformly between 1 KiB and 20 MiB (scaled down together when the sum would pass the cap, so the
/// shape stays log-uniform). Each file has its own random generator, so files can be made in parallel and still come
/// out the same for the same seed. Archives are made last, from files generated before them.
/// </summary>
internal static class SluiceBenchCorpus
{
    public const long MinSize = 1024;
    public const long MaxSize = 20L << 20;
    public const long Cap = 1_500_000_000;

    /// <summary>The mix: kind, file extension, weight in percent.</summary>
    public static readonly (string Kind, string Extension, int Weight)[] Mix =
    [
        ("pdf", "pdf", 18), ("docx", "docx", 14), ("xlsx", "xlsx", 10), ("png", "png", 9), ("jpeg", "jpg", 10),
        ("zip", "zip", 8), ("tar.gz", "tar.gz", 6), ("text", "txt", 10), ("csv", "csv", 8), ("data", "bin", 7),
    ];

    /// <summary>The groups of the disarm phase's per-kind figures.</summary>
    public static readonly string[] Groups = ["pdf", "docx", "xlsx", "image", "text", "archive", "data"];

    public static string GroupOf(string kind) => kind switch
    {
        "png" or "jpeg" => "image",
        "text" or "csv" => "text",
        "zip" or "tar.gz" => "archive",
        _ => kind,
    };

    public static bool IsArchive(string kind) => kind is "zip" or "tar.gz";

    /// <summary>Kinds and target sizes of <paramref name="count"/> files; the scale factor that kept the sum under the cap.</summary>
    public static (List<(string Kind, long Size)> Plan, double Scale) Plan(int count, int seed)
    {
        var random = new Random(seed);
        var total = Mix.Sum(m => m.Weight);
        var plan = new List<(string Kind, long Size)>(count);
        for (var i = 0; i < count; i++)
        {
            var pick = random.Next(total);
            var kind = Mix.First(m => (pick -= m.Weight) < 0).Kind;
            var size = (long)Math.Exp(Math.Log(MinSize) + random.NextDouble() * (Math.Log(MaxSize) - Math.Log(MinSize)));
            plan.Add((kind, size));
        }
        var sum = plan.Sum(p => p.Size);
        var scale = sum > Cap ? (double)Cap / sum : 1.0;
        if (scale < 1) plan = plan.Select(p => (p.Kind, Math.Max(MinSize, (long)(p.Size * scale)))).ToList();
        return (plan, scale);
    }

    /// <summary>Generates the corpus into <paramref name="directory"/> (all cores); prints what it made.</summary>
    public static List<CorpusFile> Generate(string directory, int count, int seed)
    {
        var clock = Stopwatch.StartNew();
        var (plan, scale) = Plan(count, seed);
        var corpus = Generate(directory, plan, seed, "");
        Console.WriteLine($"Corpus: {corpus.Count:N0} files, {corpus.Sum(f => f.Size) / 1e6:N0} MB, generated in {clock.Elapsed.TotalSeconds:F1} s " +
                          $"(seed {seed}; sizes log-uniform 1 KiB–20 MiB{(scale < 1 ? string.Create(CultureInfo.InvariantCulture, $", scaled by {scale:F2} to stay under {Cap / 1e9:F1} GB") : "")})");
        PrintComposition(corpus);
        return corpus;
    }

    /// <summary>One file of each kind (100 KiB, so PDFs and Word files carry a photo), named apart from the corpus, for warming up.</summary>
    public static List<CorpusFile> GenerateWarmUp(string directory, int seed) =>
        Generate(directory, Mix.Select(m => (m.Kind, 100L << 10)).ToList(), seed + 1, "warm-");

    private static List<CorpusFile> Generate(string directory, List<(string Kind, long Size)> plan, int seed, string prefix)
    {
        var count = plan.Count;
        var images = new JpegPool(seed);
        var files = new CorpusFile?[count];
        // Archives need the other files first.
        Parallel.For(0, count, i =>
        {
            var (kind, size) = plan[i];
            if (IsArchive(kind)) return;
            files[i] = Make(directory, prefix, i, kind, size, seed, images, []);
        });
        var members = files.Where(f => f is not null).Select(f => f!).ToList();
        Parallel.For(0, count, i =>
        {
            var (kind, size) = plan[i];
            if (!IsArchive(kind)) return;
            files[i] = Make(directory, prefix, i, kind, size, seed, images, members);
        });
        return files.Select(f => f!).ToList();
    }

    private static CorpusFile Make(string directory, string prefix, int index, string kind, long size, int seed, JpegPool images,
        IReadOnlyList<CorpusFile> members)
    {
        // Not HashCode.Combine: it is randomised per process, and the corpus must be the same in every run.
        var random = new Random(unchecked(seed * 1_000_003 + index * 7_919 + (prefix.Length == 0 ? 0 : 500_009)));
        var extension = Mix.First(m => m.Kind == kind).Extension;
        var name = $"{prefix}{index:0000}-{SluiceBenchFiles.Word(random)}.{extension}";
        var path = Path.Combine(directory, name);
        switch (kind)
        {
            case "pdf": SluiceBenchFiles.Pdf(path, size, random, images); break;
            case "docx": SluiceBenchFiles.Docx(path, size, random, images); break;
            case "xlsx": SluiceBenchFiles.Xlsx(path, size, random); break;
            case "png": SluiceBenchFiles.Png(path, size, random); break;
            case "jpeg": SluiceBenchFiles.Jpeg(path, size, random); break;
            case "text": SluiceBenchFiles.Text(path, size, random); break;
            case "csv": SluiceBenchFiles.Csv(path, size, random); break;
            case "data": SluiceBenchFiles.Data(path, size, random); break;
            case "zip": SluiceBenchFiles.Zip(path, size, random, members); break;
            case "tar.gz": SluiceBenchFiles.TarGz(path, size, random, members); break;
            default: throw new InvalidOperationException($"Unknown kind {kind}.");
        }
        return new CorpusFile(index, kind, path, name, new FileInfo(path).Length);
    }

    public static void PrintComposition(IReadOnlyList<CorpusFile> corpus)
    {
        Console.WriteLine("  kind     files       MB   smallest    median    largest");
        foreach (var (kind, _, _) in Mix)
        {
            var of = corpus.Where(f => f.Kind == kind).OrderBy(f => f.Size).ToList();
            if (of.Count == 0) continue;
            Console.WriteLine($"  {kind,-7} {of.Count,6} {of.Sum(f => f.Size) / 1e6,8:N1} {Size(of[0].Size),10} {Size(of[of.Count / 2].Size),9} {Size(of[^1].Size),10}");
        }
        var all = corpus.OrderBy(f => f.Size).ToList();
        Console.WriteLine($"  all     {all.Count,6} {all.Sum(f => f.Size) / 1e6,8:N1} {Size(all[0].Size),10} {Size(all[all.Count / 2].Size),9} {Size(all[^1].Size),10}");
    }

    public static string Size(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB");

    /// <summary>
    /// The disarm subset: from each kind, its share of <paramref name="count"/> files (largest remainders get the odd
    /// ones), spread evenly over that kind's files in corpus order, whose sizes are random: the subset keeps both the
    /// kind mix and the size spread.
    /// </summary>
    public static List<CorpusFile> Subset(IReadOnlyList<CorpusFile> corpus, int count)
    {
        if (count >= corpus.Count) return [.. corpus];
        var kinds = corpus.GroupBy(f => f.Kind).Select(g => (Files: g.ToList(), Quota: (double)g.Count() * count / corpus.Count)).ToList();
        var takes = kinds.Select(k => (int)k.Quota).ToArray();
        foreach (var i in Enumerable.Range(0, kinds.Count).OrderByDescending(i => kinds[i].Quota - takes[i]).Take(count - takes.Sum())) takes[i]++;
        var picked = new List<CorpusFile>(count);
        for (var k = 0; k < kinds.Count; k++)
        {
            var of = kinds[k].Files;
            for (var i = 0; i < takes[k]; i++) picked.Add(of[(int)((i + 0.5) * of.Count / takes[k])]);
        }
        return picked.OrderBy(f => f.Index).ToList();
    }
}
