using Custos.Core.Backup;

namespace Custos.Web.Backup;

/// <summary>Asks the <see cref="BackupScheduler"/> twice a minute what is due (internal instances only; the run lock elects one node on PostgreSQL).</summary>
public sealed class BackupSchedulerService(BackupScheduler scheduler, TimeProvider time, ILogger<BackupSchedulerService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                foreach (var run in await scheduler.TickAsync(stoppingToken))
                    log.LogInformation("Scheduled backup to {Target}: {Outcome} {Snapshot}.", run.TargetName, run.Outcome, run.SnapshotId);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The backup scheduler failed; it tries again in {Seconds} s.", Interval.TotalSeconds);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
