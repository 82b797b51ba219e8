using Custos.Core.Documents;

namespace Custos.Web.Documents;

/// <summary>
/// Runs the <see cref="BlobJanitor"/> before the server accepts requests (so an upload killed with the last process
/// leaves nothing after this start) and then every hour. On SQLite this node is alone on its blob folder; on PostgreSQL
/// other nodes may share it, so orphans must survive two sweeps and temporaries a day.
/// </summary>
public sealed class BlobJanitorService(BlobJanitor janitor, bool alone, ILogger<BlobJanitorService> log) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    public async Task StartAsync(CancellationToken ct)
    {
        await SweepAsync(alone, ct);
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
            while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false)) await SweepAsync(alone: false, stopping.Token);
        });
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await stopping.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task SweepAsync(bool alone, CancellationToken ct)
    {
        try
        {
            var sweep = await janitor.SweepAsync(alone, ct);
            if (sweep.Temporaries + sweep.Orphans > 0)
                log.LogInformation("Removed {Temporaries} unfinished uploads and {Orphans} unreferenced blobs", sweep.Temporaries, sweep.Orphans);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "The blob clean-up failed; it runs again in an hour");
        }
    }

    public void Dispose() => stopping.Dispose();
}
