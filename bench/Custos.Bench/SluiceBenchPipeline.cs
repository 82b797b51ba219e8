using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;

namespace Custos.Bench;

/// <summary>Phase B's figures: the phase, every file's verdict, and its time split between clamd and the rest.</summary>
internal sealed record PipelineResult(Phase Phase, IReadOnlyList<(CorpusFile File, SluiceProcessor.CheckReport Report, double Seconds, double AvSeconds)> Files)
{
    public double TotalSeconds => Files.Sum(f => f.Seconds);
    public double AvSeconds => Files.Sum(f => f.AvSeconds);
    public double AvShare => AvSeconds / TotalSeconds * 100;

    public void Print()
    {
        Console.WriteLine($"  {Phase.Line()}; load average after {Phase.Load}");
        Console.WriteLine($"  verdicts: {string.Join(", ", Files.GroupBy(f => f.Report.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        foreach (var (file, report, _, _) in Files.Where(f => f.Report.Verdict != "pass"))
        {
            Console.WriteLine($"  NOT PASSED: {file.Name} ({file.Kind}, {SluiceBenchCorpus.Size(file.Size)}, detected {report.Kind}): {report.Verdict}, {report.Reason}; " +
                              string.Join("; ", report.Checks.Where(c => c.Outcome != CheckOutcome.Pass).Select(c => $"{c.Check} {c.Code}: {c.Detail}")));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  time inside CheckOnlyAsync, summed over files: {TotalSeconds:F1} s; inside IAntivirus.ScanAsync (clamd): {AvSeconds:F1} s ({AvShare:F0} %); " +
            $"the rest (copy to the work directory with SHA-256, inspection, clean-up): {TotalSeconds - AvSeconds:F1} s ({100 - AvShare:F0} %)"));
        Console.WriteLine("  group     files       MB   s/file  clamd s/file  rest s/file  clamd MB/s  rest MB/s");
        foreach (var g in SluiceBenchCorpus.Groups)
        {
            var of = Files.Where(f => f.File.Group == g).ToList();
            if (of.Count == 0) continue;
            double mb = of.Sum(f => f.File.Size) / 1e6, total = of.Sum(f => f.Seconds), av = of.Sum(f => f.AvSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {g,-8} {of.Count,6} {mb,8:F1} {total / of.Count,8:F3} {av / of.Count,13:F3} {(total - av) / of.Count,12:F3} {mb / av,11:F1} {mb / (total - av),10:F1}"));
        }
    }
}

/// <summary>Phase D's figures: the content inspection on its own, per group.</summary>
internal sealed record InspectionSplit(Phase Phase, IReadOnlyList<(CorpusFile File, double Seconds, long Allocated)> Files)
{
    public void Print(PipelineResult pipeline)
    {
        var total = Files.Sum(f => f.Seconds);
        var rest = pipeline.TotalSeconds - pipeline.AvSeconds;
        Console.WriteLine($"  {Phase.Line()}; load average after {Phase.Load}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  inspection summed over files: {total:F1} s, against phase B's rest {rest:F1} s: the copy into the work directory (with SHA-256), " +
            $"opening and clean-up, and waiting for the CPU that clamd used in phase B come to about {rest - total:F1} s"));
        Console.WriteLine("  group     files   s/file    MB/s  allocated/size");
        foreach (var g in SluiceBenchCorpus.Groups)
        {
            var of = Files.Where(f => f.File.Group == g).ToList();
            if (of.Count == 0) continue;
            var seconds = of.Sum(f => f.Seconds);
            double size = of.Sum(f => f.File.Size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {g,-8} {of.Count,6} {seconds / of.Count,8:F3} {size / 1e6 / seconds,7:F1} {of.Sum(f => f.Allocated) / size,15:F2}"));
        }
    }
}

/// <summary>Phases B and D: the check pipeline in-process, and the inspector on its own.</summary>
internal static class SluiceBenchPipeline
{
    /// <summary>
    /// Warm-up (not measured): rounds over one file of each kind, each followed by a second of rest, until this process
    /// rests quietly (under 0.1 s of CPU in that second). For a while after code first runs, the runtime's tiered compiler
    /// recompiles hot methods on a background thread; on two cores that would take CPU from the measured phase.
    /// </summary>
    public static async Task WarmUpAsync(SluiceProcessor processor, TimedAntivirus timed, IReadOnlyList<CorpusFile> files, int concurrency)
    {
        var clock = Stopwatch.StartNew();
        var round = 0;
        TimeSpan resting;
        do
        {
            await RunAsync(processor, files, concurrency);
            round++;
            var before = ProcessCpu.Self();
            await Task.Delay(TimeSpan.FromSeconds(1));
            resting = ProcessCpu.Self() - before;
        }
        while (round < 20 && resting >= TimeSpan.FromSeconds(0.1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  warm-up: {round} rounds over {files.Count} files (one of each kind) in {clock.Elapsed.TotalSeconds:F1} s; CPU in the last second of rest {resting.TotalSeconds:F2} s"));
        timed.Reset();
    }

    public static async Task<PipelineResult> MeasureChecksAsync(SluiceProcessor processor, TimedAntivirus timed, SluiceBenchClamd clamd,
        IReadOnlyList<CorpusFile> corpus, int concurrency)
    {
        var cpu = ProcessCpu.Self();
        var clamdCpu = clamd.Cpu();
        var children = ClamdScan.ChildrenCpu();
        var runtime = RuntimeCost.Now();
        var load = Load.Average();
        var clock = Stopwatch.StartNew();
        var results = await RunAsync(processor, corpus, concurrency);
        clock.Stop();
        Console.WriteLine($"  {RuntimeCost.Now().Since(runtime)}");
        var phase = new Phase("pipeline without disarm", corpus.Count, corpus.Sum(f => f.Size), clock.Elapsed, ProcessCpu.Self() - cpu, clamd.Cpu() - clamdCpu,
            ClamdScan.ChildrenCpu() - children, load, Load.Average());
        if (timed.Scans != corpus.Count) Console.WriteLine($"  NOTE: {timed.Scans} scans for {corpus.Count} files");
        return new PipelineResult(phase, results);
    }

    private static async Task<List<(CorpusFile, SluiceProcessor.CheckReport, double, double)>> RunAsync(SluiceProcessor processor,
        IReadOnlyList<CorpusFile> files, int concurrency)
    {
        var results = new (CorpusFile, SluiceProcessor.CheckReport, double, double)[files.Count];
        var next = -1;
        // As many callers as the processor admits at once, so its gate is always full and no file waits at it.
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < files.Count)
            {
                var file = files[i];
                var av = new StrongBox<long>();
                TimedAntivirus.PerFile.Value = av;
                var start = Stopwatch.GetTimestamp();
                SluiceProcessor.CheckReport report;
                await using (var body = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
                    report = await processor.CheckOnlyAsync(body, file.Name, FileKinds.DefaultAllowed);
                results[i] = (file, report, Stopwatch.GetElapsedTime(start).TotalSeconds, TimeSpan.FromTicks(av.Value).TotalSeconds);
            }
        })).ToList();
        await Task.WhenAll(workers);
        return [.. results];
    }

    public static InspectionSplit MeasureInspection(FileInspector inspector, IReadOnlyList<CorpusFile> corpus, int concurrency, string workRoot)
    {
        var results = new (CorpusFile, double, long)[corpus.Count];
        var cpu = ProcessCpu.Self();
        var runtime = RuntimeCost.Now();
        var load = Load.Average();
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, i =>
        {
            var work = Directory.CreateDirectory(Path.Combine(workRoot, i.ToString(CultureInfo.InvariantCulture))).FullName;
            // Inspect is synchronous, so this thread's allocation counter sees exactly its allocations.
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            using (var file = File.OpenRead(corpus[i].Path)) inspector.Inspect(file, corpus[i].Name, FileKinds.DefaultAllowed, work);
            results[i] = (corpus[i], Stopwatch.GetElapsedTime(start).TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - allocated);
            Directory.Delete(work, recursive: true);
        });
        clock.Stop();
        Console.WriteLine($"  {RuntimeCost.Now().Since(runtime)}");
        var phase = new Phase("inspection alone", corpus.Count, corpus.Sum(f => f.Size), clock.Elapsed, ProcessCpu.Self() - cpu, TimeSpan.Zero, TimeSpan.Zero,
            load, Load.Average());
        return new InspectionSplit(phase, results);
    }
}
