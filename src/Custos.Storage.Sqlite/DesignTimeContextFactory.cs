using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Custos.Storage.Sqlite;

/// <summary>Lets the EF tools generate this project's migrations; not used at run time.</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<CustosDbContext>
{
    public CustosDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CustosDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsAssembly(typeof(DesignTimeContextFactory).Assembly.GetName().Name))
            .UseSnakeCaseNamingConvention()
            .Options);
}
