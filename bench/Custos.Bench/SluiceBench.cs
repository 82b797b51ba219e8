using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Antivirus;
using Custos.Core.Sluice.Disarm;
using Custos.Core.Sluice.Inspection;
using Custos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// The data sluice (issue 6, Benchmarks): a generated corpus of mixed files (PDF, Word, Excel, PNG, JPEG, zip, tar.gz,
/// text, CSV, unrecognised data; 1 KiB–20 MiB) through (A) ClamAV's own client, <c>clamdscan --stream</c>, in one
/// invocation; (B) the sluice's whole check pipeline without disarm (<see cref="SluiceProcessor.CheckOnlyAsync(Stream, string, IReadOnlyCollection{string}, CancellationToken)"/>,
/// as many files at once as the sluice runs), with clamd's share of each file's time; (C) the HTTPS upload path of a
/// server that releases disarmed copies, for a subset of the same mix; and (D, unless --no-split) the content inspection
/// alone. Each phase has a clamd of its own (clamd caches clean content by MD5). MB = 10^6 bytes.
/// </summary>
internal static class SluiceBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var files = 1000;
        var seed = 1;
        var disarmFiles = 100;
        int? concurrency = null;
        var split = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--files" when i + 1 < args.Length: files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed" when i + 1 < args.Length: seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--disarm-files" when i + 1 < args.Length: disarmFiles = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency" when i + 1 < args.Length: concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-split": split = false; break;
                default:
                    Console.Error.WriteLine("Options: --files <n> (default 1000) --seed <n> (default 1) --disarm-files <n> (default 100, 0: no phase C) " +
                                            "--concurrency <n> (phase B only; default: the sluice's, the number of cores) --no-split");
                    return 2;
            }
        }

        var started = Stopwatch.StartNew();
        var machine = $"{Environment.ProcessorCount} cores, {Machine.CpuModel()}, {MemoryGiB()} GiB, {OsName()}; .NET {Environment.Version}";
        Console.WriteLine($"Machine: {machine}; GC {(GCSettings.IsServerGC ? "server" : "workstation (the server runs with server GC; set DOTNET_gcServer=1 to match)")}");
        Console.WriteLine($"Load average {Load.Average()} (1/5/15 min)");
        var root = Directory.CreateTempSubdirectory("custos-sluice-bench-").FullName;
        try
        {
            var corpus = SluiceBenchCorpus.Generate(Directory.CreateDirectory(Path.Combine(root, "corpus")).FullName, files, seed);
            var warmUp = SluiceBenchCorpus.GenerateWarmUp(Directory.CreateDirectory(Path.Combine(root, "warm-up")).FullName, seed);
            var bytes = corpus.Sum(f => f.Size);

            // A: ClamAV's own client.
            Phase a;
            string engine;
            await using (var clamd = await SluiceBenchClamd.StartAsync())
            {
                engine = await clamd.VersionAsync();
                Console.WriteLine($"clamd: {engine}, test signatures only (no official database offline); {clamd.LimitsText}");
                var eicar = Path.Combine(root, "eicar.com");
                await File.WriteAllBytesAsync(eicar, ClamdTestServer.Eicar());
                var proof = await ClamdScan.RunAsync(clamd.ConfigPath, [eicar], root);
                var proven = proof.ExitCode == 1 && proof.Found == 1 && proof.Other.Any(l => l.Contains(ClamdTestServer.EicarSignature, StringComparison.Ordinal));
                Console.WriteLine($"Scanner check: clamdscan --stream on the EICAR test file: exit {proof.ExitCode}, {string.Join(" | ", proof.Other)} " +
                                  $"=> {(proven ? "it scans" : "FAILED")}");
                if (!proven) throw new InvalidOperationException("clamdscan did not find the EICAR test file: the comparison would measure nothing.");

                var load = Load.Average();
                Console.WriteLine($"\nPhase A: clamdscan --stream --no-summary -c <that clamd's conf> --file-list (one invocation). Load average {load}");
                var clamdBefore = clamd.Cpu();
                var cpu = ProcessCpu.Self();
                var scan = await ClamdScan.RunAsync(clamd.ConfigPath, corpus.Select(f => f.Path), root);
                a = new Phase("clamdscan --stream", corpus.Count, bytes, scan.Elapsed, ProcessCpu.Self() - cpu, clamd.Cpu() - clamdBefore, scan.Cpu, load, Load.Average());
                Console.WriteLine($"  {a.Line()}; clamdscan {scan.Cpu.TotalSeconds:F1} s CPU; exit {scan.ExitCode}: {scan.Ok} OK, {scan.Found} found, {scan.Errors} errors");
                foreach (var line in scan.Other.Take(20)) Console.WriteLine($"    {line}");
                if (scan.Ok != corpus.Count) Console.WriteLine($"  NOTE: {corpus.Count - scan.Ok} of {corpus.Count} files were not reported OK (the corpus is clean).");
            }

            await using var clamdC = await SluiceBenchClamd.StartAsync();
            await using var server = await SluiceBenchServer.StartAsync(clamdC.Address);
            var services = server.Host.Services;
            var tools = await services.GetRequiredService<Disarmer>().VersionsAsync() ?? "Ghostscript and LibreOffice not installed";
            Console.WriteLine($"Disarm converters: {tools}");

            // B: the check pipeline without disarm, with a clamd of its own behind a stopwatch.
            PipelineResult b;
            await using (var clamd = await SluiceBenchClamd.StartAsync())
            {
                var timed = new TimedAntivirus(new ClamdClient(ClamdOptions.Parse(clamd.Address)));
                // The server's own settings; only an experiment's --concurrency replaces the number of files checked at once.
                var options = services.GetRequiredService<SluiceOptions>();
                if (concurrency is { } n) options = options with { Concurrency = n };
                var processor = ActivatorUtilities.CreateInstance<SluiceProcessor>(services, (IAntivirus)timed, options);
                await SluiceBenchPipeline.WarmUpAsync(processor, timed, warmUp, options.Concurrency);
                Console.WriteLine($"\nPhase B: SluiceProcessor.CheckOnlyAsync over the corpus, {options.Concurrency} at a time " +
                                  $"({(concurrency is null ? "the sluice's concurrency" : "--concurrency, not the sluice's default")}), default allow-list. Load average {Load.Average()}");
                b = await SluiceBenchPipeline.MeasureChecksAsync(processor, timed, clamd, corpus, options.Concurrency);
                b.Print();
            }

            // D: the inspection alone, to split "the rest" of phase B.
            if (split)
            {
                Console.WriteLine($"\nPhase D: FileInspector.Inspect alone (no copy, no clamd), {Environment.ProcessorCount} at a time. Load average {Load.Average()}");
                SluiceBenchPipeline.MeasureInspection(services.GetRequiredService<FileInspector>(), corpus, Environment.ProcessorCount,
                    Path.Combine(root, "inspect")).Print(b);
            }

            // C: uploads through the HTTPS API of a server that releases disarmed copies.
            UploadPhase? c = null;
            if (disarmFiles > 0)
            {
                var subset = SluiceBenchCorpus.Subset(corpus, disarmFiles);
                Console.WriteLine($"\nPhase C: upload with disarm (SluiceRelease.Disarmed), {subset.Count} files of the same mix, {Environment.ProcessorCount} clients " +
                                  $"(the sluice's concurrency). Load average {Load.Average()}");
                SluiceBenchCorpus.PrintComposition(subset);
                c = await SluiceBenchUploads.MeasureAsync(server, clamdC, warmUp, subset);
                c.Print();
            }

            var share = a.Elapsed.TotalSeconds / b.Phase.Elapsed.TotalSeconds * 100;
            // The same comparison in CPU: what scanning the corpus costs the machine either way, whatever else runs on it.
            var peerCpu = a.ClamdCpu + a.ChildCpu;
            var pipelineCpu = b.Phase.ClamdCpu + b.Phase.Cpu;
            Console.WriteLine($"""

                Summary (seed {seed}, {corpus.Count:N0} files, {bytes / 1e6:N0} MB; {machine}; {engine})
                  {a.Line()}; load {a.LoadBefore} -> {a.Load}
                  {b.Phase.Line()}; load {b.Phase.LoadBefore} -> {b.Phase.Load}; clamd {b.AvShare:F0} % of the files' time, the rest {100 - b.AvShare:F0} %
                  {(c is null ? "upload with disarm: not run (--disarm-files 0)" : $"{c.Phase.Line()}; load {c.Phase.LoadBefore} -> {c.Phase.Load}")}
                  CPU for the corpus: clamd + clamdscan {peerCpu.TotalSeconds:F1} s, clamd + pipeline {pipelineCpu.TotalSeconds:F1} s ({peerCpu / pipelineCpu * 100:F0} %)
                pipeline without disarm {b.Phase.FilesPerSecond:F1} files/s, {b.Phase.MBps:F1} MB/s = {share:F1} % of clamdscan --stream (target ≥ 80 %): {(share >= 80 ? "met" : "missed")}
                Run time {started.Elapsed.TotalMinutes:F1} min; load average at the end {Load.Average()}
                """);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open leaves the temporary directory behind.
            }
        }
    }

    private static string MemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return "?";
        }
    }

    private static string OsName()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return line?["PRETTY_NAME=".Length..].Trim('"') ?? Environment.OSVersion.ToString();
        }
        catch (IOException)
        {
            return Environment.OSVersion.ToString();
        }
    }
}

/// <summary>What one phase did: files and bytes in a wall time, CPU of this process, of clamd and of child processes.</summary>
internal sealed record Phase(string Name, int Files, long Bytes, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan ClamdCpu, TimeSpan ChildCpu, string LoadBefore, string Load)
{
    public double FilesPerSecond => Files / Elapsed.TotalSeconds;
    public double MBps => Bytes / Elapsed.TotalSeconds / 1e6;

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Files:N0} files, {Bytes / 1e6:N0} MB in {Elapsed.TotalSeconds:F1} s = {FilesPerSecond:F1} files/s, {MBps:F1} MB/s; " +
        $"CPU here {Cpu.TotalSeconds:F1} s, clamd {ClamdCpu.TotalSeconds:F1} s, child processes {ChildCpu.TotalSeconds:F1} s");
}

/// <summary>What this process spent meanwhile: CPU, allocations, GC pauses and full collections.</summary>
internal readonly record struct RuntimeCost(TimeSpan Cpu, long Allocated, TimeSpan GcPause, int FullCollections)
{
    public static RuntimeCost Now() => new(ProcessCpu.Self(), GC.GetTotalAllocatedBytes(false), GC.GetTotalPauseDuration(), GC.CollectionCount(2));

    public string Since(RuntimeCost before) => string.Create(CultureInfo.InvariantCulture,
        $"this process: CPU {(Cpu - before.Cpu).TotalSeconds:F1} s, {(Allocated - before.Allocated) / 1e6:N0} MB allocated, " +
        $"GC pauses {(GcPause - before.GcPause).TotalSeconds:F2} s, {FullCollections - before.FullCollections} gen-2 collections");
}
