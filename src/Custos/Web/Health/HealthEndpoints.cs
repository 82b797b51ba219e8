using Custos.Core.Data;
using Custos.Core.Keys;
using Custos.Storage;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Health;

public static class HealthEndpoints
{
    /// <summary>Liveness (the process answers) and readiness (the database answers and the keyring is loaded).</summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (IDbContextFactory<CustosDbContext> dbFactory, Keyring keyring, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var databaseUp = await DatabaseMigrator.PingAsync(db, ct);
            return databaseUp && keyring.IsLoaded
                ? Results.Text("ready")
                : Results.Text(databaseUp ? "keyring not loaded" : "database unavailable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
