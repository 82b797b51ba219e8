using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.SecureUse.Web;

public static class WebProxyServiceCollectionExtensions
{
    /// <summary>Web sessions through Custos's reverse proxy (TOM 6.9): the credential is used server-side and never reaches the browser.</summary>
    public static IServiceCollection AddWebProxy(this IServiceCollection services, WebProxyOptions options) =>
        services.AddSingleton(options)
            .AddSingleton<WebTransport>()
            .AddSingleton<WebRequestLog>()
            .AddSingleton<WebSessions>();
}
