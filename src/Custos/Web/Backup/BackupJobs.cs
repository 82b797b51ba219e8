using Custos.Core.Backup;

namespace Custos.Web.Backup;

/// <summary>
/// Runs started from the web page or API go on after the request has been answered (a backup takes minutes); the
/// server's stopping token ends them on shutdown, and the run is then recorded as stopped. One at a time per node.
/// </summary>
public sealed class BackupJobs(IHostApplicationLifetime lifetime, ILogger<BackupJobs> log)
{
    private int running;

    public bool IsRunning => Volatile.Read(ref running) == 1;

    /// <summary>False when a job of this node is still running.</summary>
    public bool TryStart(string what, Func<CancellationToken, Task> work)
    {
        if (Interlocked.CompareExchange(ref running, 1, 0) != 0) return false;
        _ = Task.Run(async () =>
        {
            try
            {
                await work(lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                log.LogError(e, "Backup job {What} failed.", what);
            }
            finally
            {
                Volatile.Write(ref running, 0);
            }
        });
        return true;
    }
}
