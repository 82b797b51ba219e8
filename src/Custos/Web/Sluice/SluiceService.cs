using Custos.Core.Sluice;

namespace Custos.Web.Sluice;

/// <summary>Runs the sluice's background work in the server (late checks, retries while the scanner is down, purging originals).</summary>
public sealed class SluiceService(SluiceWorker worker, ILogger<SluiceService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        log.LogDebug("The sluice worker starts");
        await worker.RunAsync(stoppingToken);
    }
}
