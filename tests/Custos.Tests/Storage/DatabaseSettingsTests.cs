using Custos.Storage;
using Npgsql;

namespace Custos.Tests.Storage;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void PostgreSql_WithoutPrepareSetting_PreparesRepeatedStatements()
    {
        var settings = DatabaseSettings.Parse("Host=db.example.test;Database=custos;Username=custos", "/nonexistent");

        Assert.Equal(DatabaseProvider.PostgreSql, settings.Provider);
        Assert.Equal(32, new NpgsqlConnectionStringBuilder(settings.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public void PostgreSql_ExplicitPrepareSetting_Kept()
    {
        var settings = DatabaseSettings.Parse("Host=db.example.test;Database=custos;Username=custos;Max Auto Prepare=0", "/nonexistent");

        Assert.Equal(0, new NpgsqlConnectionStringBuilder(settings.ConnectionString).MaxAutoPrepare);
    }
}
