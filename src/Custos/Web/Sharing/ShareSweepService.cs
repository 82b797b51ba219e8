using Custos.Core.Sharing;

namespace Custos.Web.Sharing;

/// <summary>
/// Runs the <see cref="ShareSweep"/> every minute, so a link's transfer-only data (packages) is gone within a minute of
/// its end. Every step is conditional (a link ends once), so several nodes or a restart repeat only a no-op.
/// </summary>
public sealed class ShareSweepService(ShareSweep sweep, TimeProvider time, ILogger<ShareSweepService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await sweep.RunAsync(stoppingToken) is > 0 and var ended) log.LogInformation("Share links ended: {Count}.", ended);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Ending share links failed; it is tried again in a minute.");
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
