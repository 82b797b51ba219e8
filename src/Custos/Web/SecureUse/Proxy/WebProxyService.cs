using Custos.Core.SecureUse.Web;

namespace Custos.Web.SecureUse.Proxy;

/// <summary>Writes the web sessions' request log while the server runs; on stop, ends the live sessions (on record) and writes what is queued.</summary>
public sealed class WebProxyService(WebRequestLog requestLog, WebSessions sessions) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => requestLog.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync();
        await base.StopAsync(cancellationToken);
    }
}
