using Custos.Core.Sluice.Antivirus;
using Custos.Core.Sluice.Disarm;
using Custos.Core.Sluice.Inspection;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Sluice;

public static class SluiceServiceCollectionExtensions
{
    /// <summary>The data sluice: every inbound file passes it (needs the document store).</summary>
    public static IServiceCollection AddSluice(this IServiceCollection services, SluiceOptions options) =>
        services.AddSingleton(options)
            .AddSingleton(new FileInspector(options.Limits))
            .AddSingleton<IAntivirus>(new ClamdClient(options.Clamd))
            .AddSingleton(new Disarmer(options.Disarm))
            .AddSingleton<SluiceProcessor>()
            .AddSingleton<SluiceWorker>()
            .AddSingleton<SluiceIntake>()
            .AddSingleton<SluiceReview>()
            .AddSingleton<SluicePolicies>()
            .AddSingleton<SluiceScreen>();
}
