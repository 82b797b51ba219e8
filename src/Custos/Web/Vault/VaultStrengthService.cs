using Custos.Core.Vault;

namespace Custos.Web.Vault;

/// <summary>
/// Runs <see cref="StrengthRating"/>: once at start (an import interrupted by a restart is rated then) and after every
/// import. A failure is logged and retried with the next import or start; the entries stay usable, only unrated.
/// </summary>
public sealed class VaultStrengthService(StrengthRating rating, ILogger<VaultStrengthService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            do
            {
                try
                {
                    var rated = await rating.RateUnratedAsync(stoppingToken);
                    if (rated > 0) log.LogInformation("Rated the strength of {Count} imported passwords.", rated);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Rating imported passwords failed; it is tried again after the next import or restart.");
                }
            } while (await rating.WaitAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
