using System.CommandLine;
using Custos.Core;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Vault;
using Custos.Storage;
using Custos.Storage.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

/// <summary>Options every local administration command takes, and the services they run on.</summary>
public static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Data directory (default ./data, or the CUSTOS_DATA environment variable).",
    };

    public static Option<string?> Database() => new("--db")
    {
        Description = "PostgreSQL connection string (default: the SQLite database in the data directory, or CUSTOS_DB).",
    };

    public static Option<bool> Json() => new("--json") { Description = "Machine-readable output." };

    public static string? DatabaseValue(string? option) => option ?? Environment.GetEnvironmentVariable("CUSTOS_DB");

    /// <summary>The password policy every node and command applies: the flag, else CUSTOS_PASSWORD_POLICY, else the TOM's.</summary>
    public static Core.Identity.PasswordPolicy PasswordPolicyValue(string? option = null)
    {
        var name = option ?? Environment.GetEnvironmentVariable("CUSTOS_PASSWORD_POLICY");
        return Core.Identity.PasswordPolicy.FromName(name) ?? throw new CommandException(
            $"Unknown password policy '{name}'. Known: {string.Join(", ", Core.Identity.PasswordPolicy.All.Select(p => p.Name))}.");
    }

    /// <summary>The same services `serve` uses, without the web host, for commands that work on the data directly.</summary>
    public static ServiceProvider LocalServices(string? dataOption, string? dbOption)
    {
        var data = DataDirectory.Prepare(DataDirectory.Resolve(dataOption));
        var database = DatabaseSettings.Parse(DatabaseValue(dbOption), data.Root);
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton(data)
            .AddSingleton(database)
            .AddCustosDatabase(database)
            .AddAudit()
            .AddKeys(data.KeysDirectory)
            .AddIdentity(new Core.Identity.IdentityOptions { PasswordPolicy = PasswordPolicyValue() })
            .AddVault()
            .AddDocuments(new Core.Documents.Blobs.LocalBlobStore(data.BlobsDirectory))
            .AddBackupStorage(database, new Core.Backup.BackupOptions { DataDirectory = data.Root });
        return services.BuildServiceProvider();
    }

    /// <summary>Fails with a clear message when the database has never been set up, instead of creating an empty one.</summary>
    public static async Task EnsureInitialisedAsync(IServiceProvider services, CancellationToken ct)
    {
        var factory = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<CustosDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        var settings = services.GetRequiredService<DatabaseSettings>();
        if (settings.Provider == DatabaseProvider.Sqlite && !File.Exists(services.GetRequiredService<DataDirectory>().DatabaseFile)
            && settings == DatabaseSettings.ForDataDirectory(services.GetRequiredService<DataDirectory>().Root))
            throw new CommandException("There is no Custos database in this data directory. Run 'custos serve' once, or pass --data.");
        if (!(await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetAppliedMigrationsAsync(db.Database, ct)).Any())
            throw new CommandException("The database has no Custos schema. Run 'custos serve' once first.");
    }
}

/// <summary>A command failure with a message for the operator (exit code 1).</summary>
public sealed class CommandException(string message) : Exception(message);
