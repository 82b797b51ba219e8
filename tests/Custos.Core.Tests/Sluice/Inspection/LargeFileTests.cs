using System.Diagnostics;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>Inspection streams: a 200 MB file is read through, never into memory. Runs alone so that others' memory does not count.</summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class LargeFileTests
{
    private const long FileSize = 200L * 1000 * 1000;
    private const long AllowedGrowth = 50L << 20;

    private static string WriteTextFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"custos-inspect-large-{Guid.NewGuid():N}.txt");
        var line = "2024-05-01T12:00:00Z INFO request served in 12 ms; user=4711; path=/api/v1/documents\n"u8.ToArray();
        using var file = File.Create(path);
        for (long written = 0; written < FileSize; written += line.Length) file.Write(line);
        return path;
    }

    private static (long Heap, long WorkingSet) Peak(Action work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseHeap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseWorkingSet = process.WorkingSet64;
        long peakHeap = 0, peakWorkingSet = 0;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            using var self = Process.GetCurrentProcess();
            do
            {
                self.Refresh();
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false) - baseHeap);
                peakWorkingSet = Math.Max(peakWorkingSet, self.WorkingSet64 - baseWorkingSet);
            } while (!done.Wait(5));
        });
        sampler.Start();
        try { work(); }
        finally
        {
            done.Set();
            sampler.Join();
        }
        return (peakHeap, peakWorkingSet);
    }

    [Fact]
    public void Inspect_200MegabyteTextFile_KeepsMemoryFlat()
    {
        var path = WriteTextFile();
        try
        {
            Custos.Core.Sluice.Inspection.InspectionReport? report = null;
            var (heap, workingSet) = Peak(() =>
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
                report = InspectorHarness.Inspect(file, "server.log");
            });

            Assert.Equal("text", report!.Kind.Id);
            AssertClean(report);
            Assert.True(heap < AllowedGrowth, $"managed heap grew by {heap >> 20} MiB");
            Assert.True(workingSet < AllowedGrowth, $"working set grew by {workingSet >> 20} MiB");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Inspect_200MegabyteBinaryNamedPdf_IsNotReadIntoMemory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"custos-inspect-large-{Guid.NewGuid():N}.pdf");
        var chunk = new byte[1 << 20];
        new Random(11).NextBytes(chunk);
        "%PDF-1.7\n"u8.CopyTo(chunk);
        using (var file = File.Create(path))
        {
            for (var i = 0; i < 200; i++) file.Write(chunk);
        }
        try
        {
            var (heap, workingSet) = Peak(() =>
            {
                using var file = File.OpenRead(path);
                InspectorHarness.Inspect(file, "scan.pdf");
            });

            Assert.True(heap < AllowedGrowth, $"managed heap grew by {heap >> 20} MiB");
            Assert.True(workingSet < AllowedGrowth, $"working set grew by {workingSet >> 20} MiB");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
