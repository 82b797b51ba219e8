using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Microsoft.EntityFrameworkCore;

namespace Custos.Bench;

/// <summary>One upload of phase C: the answer, its time, and what the sluice recorded for the file.</summary>
internal sealed record UploadResult(CorpusFile File, int Status, double Seconds, Guid? Quarantine, string? Problem)
{
    public string? State { get; set; }
    public string? Reason { get; set; }
    public CheckResult? Disarm { get; set; }
}

/// <summary>Phase C's figures.</summary>
internal sealed record UploadPhase(Phase Phase, IReadOnlyList<UploadResult> Files)
{
    public void Print()
    {
        Console.WriteLine($"  {Phase.Line()}; load average after {Phase.Load}");
        Console.WriteLine($"  answers: {string.Join(", ", Files.GroupBy(f => f.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x {g.Count()}"))}; " +
                          $"states: {string.Join(", ", Files.GroupBy(f => f.State ?? "?").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; " +
                          $"disarm: {string.Join(", ", Files.GroupBy(f => f.Disarm?.Code ?? "(none)").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        foreach (var f in Files.Where(f => f.State != nameof(QuarantineState.Released)))
        {
            Console.WriteLine($"  NOT RELEASED: {f.File.Name} ({f.File.Kind}, {SluiceBenchCorpus.Size(f.File.Size)}): HTTP {f.Status}, {f.State}, {f.Reason}; " +
                              $"{(f.Disarm is { } d ? $"{d.Code}: {d.Detail}" : f.Problem)}");
        }
        Console.WriteLine("  group     files       MB   min s   avg s   max s  released");
        foreach (var g in SluiceBenchCorpus.Groups)
        {
            var of = Files.Where(f => f.File.Group == g).ToList();
            if (of.Count == 0) continue;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {g,-8} {of.Count,6} {of.Sum(f => f.File.Size) / 1e6,8:F1} {of.Min(f => f.Seconds),7:F2} {of.Average(f => f.Seconds),7:F2} {of.Max(f => f.Seconds),7:F2} " +
                $"{of.Count(f => f.State == nameof(QuarantineState.Released)),9}"));
        }
    }
}

/// <summary>Phase C: the subset uploaded through the HTTPS API into one folder, as many at once as the sluice checks.</summary>
internal static class SluiceBenchUploads
{
    public static async Task<UploadPhase> MeasureAsync(SluiceBenchServer server, SluiceBenchClamd clamd, IReadOnlyList<CorpusFile> warmUp,
        IReadOnlyList<CorpusFile> subset)
    {
        var concurrency = Environment.ProcessorCount;
        using var http = server.NewClient(concurrency);
        var warmFolder = await server.CreateFolderAsync(http, "warm-up");
        var folder = await server.CreateFolderAsync(http, "corpus");
        var clock = Stopwatch.StartNew();
        var warm = await UploadAllAsync(server, http, warmFolder, warmUp, concurrency);
        Console.WriteLine($"  warm-up: {warm.Count} files (one of each kind) in {clock.Elapsed.TotalSeconds:F1} s, " +
                          $"{warm.Count(w => w.Status == 200)} released; load average {Load.Average()}");

        var cpu = ProcessCpu.Self();
        var clamdCpu = clamd.Cpu();
        var children = ClamdScan.ChildrenCpu();
        var load = Load.Average();
        clock.Restart();
        var results = await UploadAllAsync(server, http, folder, subset, concurrency);
        clock.Stop();
        var phase = new Phase("upload with disarm", subset.Count, subset.Sum(f => f.Size), clock.Elapsed, ProcessCpu.Self() - cpu, clamd.Cpu() - clamdCpu,
            ClamdScan.ChildrenCpu() - children, load, Load.Average());

        // What the sluice recorded: state, reason and the disarm check of each file.
        await using var db = server.Context();
        var ids = results.Where(r => r.Quarantine is not null).Select(r => r.Quarantine!.Value).ToList();
        var rows = await db.QuarantineItems.AsNoTracking().Where(q => ids.Contains(q.Id)).Select(q => new { q.Id, q.State, q.Reason, q.Checks }).ToListAsync();
        foreach (var r in results)
        {
            var row = rows.FirstOrDefault(x => x.Id == r.Quarantine);
            if (row is null) continue;
            r.State = row.State.ToString();
            r.Reason = row.Reason;
            r.Disarm = SluiceRecord.Checks(row.Checks).FirstOrDefault(c => c.Check == SluiceChecks.Disarm);
        }
        return new UploadPhase(phase, results);
    }

    private static async Task<List<UploadResult>> UploadAllAsync(SluiceBenchServer server, HttpClient http, Guid folder, IReadOnlyList<CorpusFile> files,
        int concurrency)
    {
        var results = new UploadResult[files.Count];
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < files.Count) results[i] = await UploadAsync(server, http, folder, files[i]);
        })).ToList();
        await Task.WhenAll(workers);
        return [.. results];
    }

    private static async Task<UploadResult> UploadAsync(SluiceBenchServer server, HttpClient http, Guid folder, CorpusFile file)
    {
        var start = Stopwatch.GetTimestamp();
        await using var body = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        using var content = new StreamContent(body, 1 << 16);
        var extension = file.Name[(file.Name.LastIndexOf('.') + 1)..];
        content.Headers.ContentType = new MediaTypeHeaderValue(FileKinds.FromExtension(extension)?.MediaType ?? "application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/tenants/{server.Tenant}/documents?folder={folder}") { Content = content };
        request.Headers.Add("X-Custos-File-Name", Uri.EscapeDataString(file.Name));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Guid? quarantine = response.Headers.TryGetValues("X-Custos-Quarantine", out var values) && Guid.TryParse(values.FirstOrDefault(), out var id) ? id : null;
        string? problem = null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            try
            {
                problem = JsonDocument.Parse(text).RootElement.TryGetProperty("title", out var title) ? title.GetString() : text;
            }
            catch (JsonException)
            {
                problem = text.Length > 300 ? text[..300] : text;
            }
        }
        return new UploadResult(file, (int)response.StatusCode, seconds, quarantine, problem);
    }
}
