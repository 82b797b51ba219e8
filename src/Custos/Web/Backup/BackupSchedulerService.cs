using Custos.Core.Backup;

namespace Custos.Web.Backup;

/// <summary>Asks the <see cref="BackupScheduler"/> twice a minute what is due (internal instances only; the run lock elects one node on PostgreSQL).</summary>
public sealed class BackupSchedulerService(BackupScheduler scheduler, TimeProvider time, ILogger<BackupSchedulerService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
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
        while (await WaitAsync(time, stoppingToken));
    }

    /// <summary>
    /// A one-shot delay after each tick, not a PeriodicTimer: a clock that jumps (a suspended VM, or a test moving its
    /// clock by years) must cause one tick, not one per 30 s skipped.
    /// </summary>
    private static async Task<bool> WaitAsync(TimeProvider time, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Interval, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
