using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Core.Ldap;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Ldap;

/// <summary>
/// Runs the directory sync on the configured interval inside the server, so that people who left (disabled or removed in
/// the directory) lose their rights, sessions and tokens without an operator running `custos directory sync`. The due
/// time is read from the database on every check, so a sync from the command line or another node postpones this one.
/// </summary>
public sealed class DirectorySyncService(
    IDbContextFactory<CustosDbContext> dbFactory, DirectorySync sync, TimeProvider time, ILogger<DirectorySyncService> log) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);
    private static readonly Actor Scheduler = new("system:directory-sync", "local");
    // The loop and an explicit call (tests, an admin's "sync now") must not both find the sync due and run it twice.
    private readonly SemaphoreSlim running = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await RunIfDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database hiccup must not end the schedule for the server's lifetime; the next check tries again.
                log.LogError(e, "The scheduled directory sync failed.");
            }
            try
            {
                await Task.Delay(CheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Syncs when a directory is configured with an interval and the last sync (or failed attempt) is that long ago.</summary>
    public async Task<bool> RunIfDueAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            return await RunIfDueLockedAsync(ct);
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<bool> RunIfDueLockedAsync(CancellationToken ct)
    {
        DirectorySettings? settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            settings = await db.DirectorySettings.AsNoTracking().SingleOrDefaultAsync(d => d.Id == DirectorySettings.SingletonId, ct);
        if (settings is not { Enabled: true, SyncIntervalMinutes: > 0 }) return false;
        if (settings.LastSyncAt is { } last && time.GetUtcNow() - last < TimeSpan.FromMinutes(settings.SyncIntervalMinutes)) return false;

        var result = await sync.SyncAsync(Scheduler, ct);
        if (result.Succeeded) log.LogInformation("Directory sync: {Summary}", result.Value);
        else log.LogWarning("Directory sync failed: {Reason}", result.Error!.Message);
        return true;
    }
}
