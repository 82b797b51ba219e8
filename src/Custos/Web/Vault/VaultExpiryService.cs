using Custos.Core.Vault;

namespace Custos.Web.Vault;

/// <summary>
/// The daily expiry check (TOM 6.10): an hour after start and then once a day, Manage holders get a notice for each
/// entry that expired or expires soon. Notices are never duplicated, so a restart or a second node only repeats a no-op.
/// </summary>
public sealed class VaultExpiryService(VaultNotifications notifications, TimeProvider time, ILogger<VaultExpiryService> log) : BackgroundService
{
    public static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = FirstRun;
        while (true)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            wait = Interval;
            try
            {
                var created = await notifications.NotifyExpiringAsync(stoppingToken);
                if (created > 0) log.LogInformation("Vault expiry check: {Count} new notices.", created);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The vault expiry check failed; it runs again in a day.");
            }
        }
    }
}
