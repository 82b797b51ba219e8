using Custos.Core.Sluice;
using Custos.Core.Sluice.Antivirus;

namespace Custos.Web.Sluice;

/// <summary>Runs the sluice's background work in the server (late checks, retries while the scanner is down, purging originals).</summary>
public sealed class SluiceService(SluiceWorker worker, IAntivirus antivirus, SluiceOptions options, ILogger<SluiceService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // Said once at start, where an administrator looks: without clamd every upload waits in quarantine.
        if (await antivirus.VersionAsync(stoppingToken) is { } engine) log.LogInformation("Data sluice: virus scanner {Engine}", engine);
        else
            log.LogWarning("Data sluice: the virus scanner (clamd at {Address}) cannot be reached; uploads wait in quarantine until it can " +
                           "(--clamd or CUSTOS_CLAMD set the address)", options.Clamd.Address);
        await worker.RunAsync(stoppingToken);
    }
}
