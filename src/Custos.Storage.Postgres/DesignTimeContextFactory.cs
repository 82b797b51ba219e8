using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Custos.Storage.Postgres;

/// <summary>Lets the EF tools generate this project's migrations; not used at run time.</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<CustosDbContext>
{
    public CustosDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CustosDbContext>()
            .UseNpgsql("Host=localhost;Database=custos_design", o => o.MigrationsAssembly(typeof(DesignTimeContextFactory).Assembly.GetName().Name))
            .UseSnakeCaseNamingConvention()
            .Options);
}
