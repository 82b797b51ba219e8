using Custos.Core.Documents;
using Custos.Core.SecureUse;

namespace Custos.Web.Documents;

/// <summary>
/// Runs the <see cref="RetentionSweep"/> of documents and the <see cref="SshRecordingSweep"/> of SSH recordings at start
/// and then once a day. Like the vault's expiry check it needs no election among PostgreSQL nodes: every step of a sweep
/// is conditional (a document is deleted, marked or noted once, a recording destroyed once), so a second node or a
/// restart only repeats a no-op.
/// </summary>
public sealed class RetentionSweepService(RetentionSweep sweep, SshRecordingSweep recordings, TimeProvider time, ILogger<RetentionSweepService> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the server accepts requests while the first sweep runs.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Each sweep on its own: a failing one must not keep the other from its day's work.
            if (!await RunAsync("documents", async () =>
                {
                    var outcome = await sweep.RunAsync(stoppingToken);
                    if (outcome.Deleted + outcome.Reviews + outcome.Held > 0)
                        log.LogInformation("Retention sweep: {Deleted} documents deleted, {Reviews} due for review, {Held} kept by a legal hold.",
                            outcome.Deleted, outcome.Reviews, outcome.Held);
                }, stoppingToken)) return;
            if (!await RunAsync("SSH recordings", async () =>
                {
                    var expired = await recordings.RunAsync(stoppingToken);
                    if (expired.Deleted > 0) log.LogInformation("Retention sweep: {Deleted} SSH recordings deleted.", expired.Deleted);
                }, stoppingToken)) return;
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

    /// <summary>Runs one sweep; false when the server is stopping, a failure is logged and waits for tomorrow.</summary>
    private async Task<bool> RunAsync(string what, Func<Task> run, CancellationToken stoppingToken)
    {
        try
        {
            await run();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            log.LogError(e, "The retention sweep of {What} failed; it runs again in a day.", what);
        }
        return true;
    }
}
