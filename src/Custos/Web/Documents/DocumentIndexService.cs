using Custos.Core.Documents;

namespace Custos.Web.Documents;

/// <summary>
/// Runs the <see cref="DocumentIndexer"/> in the background: at start (to catch up after a restart or an upgrade), when
/// an upload, check-in or tag change pokes it, and every minute for changes made on other nodes.
/// </summary>
public sealed class DocumentIndexService(DocumentIndexer indexer, ILogger<DocumentIndexService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var indexed = await indexer.IndexPendingAsync(stoppingToken);
                if (indexed > 0) log.LogDebug("Search index: {Count} documents indexed.", indexed);
                // Woken, it lets a moment pass: uploads arriving together are then indexed in one transaction.
                if (await indexer.WaitForWorkAsync(Interval, stoppingToken)) await Task.Delay(Settle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The search indexer failed; it tries again in a minute.");
                try { await Task.Delay(Interval, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
