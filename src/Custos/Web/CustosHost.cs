using Custos.Core.Backup;
using Custos.Storage.Backup;
using Custos.Web.Backup;
using Custos.Core.Sluice;
using Custos.Core.Sharing;
using Custos.Web.Sharing;
using Custos.Web.Sharing.Public;
using Custos.Core.Sluice.Antivirus;
using Custos.Web.Sluice;
using System.Globalization;
using Custos.Core;
using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Documents.Blobs;
using Custos.Core.Identity;
using Custos.Core.Keys;
using Custos.Core.SecureUse;
using Custos.Core.Vault;
using Custos.Storage;
using Custos.Web.Audit;
using Custos.Web.Documents;
using Custos.Web.Errors;
using Custos.Web.Health;
using Custos.Web.Identity;
using Custos.Web.SecureUse;
using Custos.Web.SecureUse.Proxy;
using Custos.Core.SecureUse.Web;
using Custos.Web.Transport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Custos.Web.Keys;
using Custos.Web.Tenants;
using Custos.Web.Vault;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web;

/// <summary>A start-up problem the operator can fix; its message is printed as it is, without a stack trace.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The running server: prepares the data directory, database and keyring, then starts Kestrel on HTTPS (and on HTTP
/// for redirects only). Used by `custos serve` and by the integration tests, so both run the same host.
/// </summary>
public sealed class CustosHost : IAsyncDisposable
{
    private CustosHost(WebApplication app, Uri httpsUrl, string? setupLink) => (App, HttpsUrl, SetupLink) = (app, httpsUrl, setupLink);

    public WebApplication App { get; }
    public Uri HttpsUrl { get; }
    public string? SetupLink { get; }
    public IServiceProvider Services => App.Services;

    public static async Task<CustosHost> StartAsync(ServeOptions options, CancellationToken ct = default)
    {
        DataDirectory data;
        DatabaseSettings database;
        try
        {
            data = DataDirectory.Prepare(options.DataDirectory);
            database = DatabaseSettings.Parse(options.Database, data.Root);
            if (File.Exists(Path.Combine(data.Root, InstanceRestore.IncompleteMarker)))
                throw new StartupException($"A restore into {data.Root} did not finish ({InstanceRestore.IncompleteMarker} is there): its erasures may not be applied " +
                                           "yet, so it is not started. Restore again into an empty directory.");
        }
        catch (Exception e) when (e is DataDirectoryException or ArgumentException)
        {
            throw new StartupException(e.Message, e);
        }

        var (proxyDomain, proxyError) = WebProxyHosts.Normalize(options.ProxyDomain, options.PublicHost);
        if (proxyError is not null) throw new StartupException(proxyError);
        options = options with { ProxyDomain = proxyDomain };
        var certificate = LoadCertificate(options, data);
        var app = Build(options, data, database, certificate);
        try
        {
            await PrepareStateAsync(app.Services, database, ct);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new StartupException(
                    $"Cannot listen on {options.Bind} port {options.HttpsPort}" + (options.HttpPort > 0 ? $" or {options.HttpPort}" : "") +
                    $": {e.Message} Choose other ports with --https-port and --http-port.", e);
            }
            var url = new Uri($"https://{options.PublicHost}:{options.HttpsPort}/");
            string? setupLink = null;
            var setup = app.Services.GetRequiredService<FirstAdministratorSetup>();
            if (options.Role != ServerRole.Edge && await setup.IssueLinkAsync(new Actor("system", "local"), ct) is { } link)
                setupLink = new Uri(url, $"setup/{link.Token}").ToString();
            return new CustosHost(app, url, setupLink);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static ClamdOptions ClamdAddress(string address)
    {
        try
        {
            return ClamdOptions.Parse(address);
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"The clamd address '{address}' is not valid: {e.Message}");
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(ServeOptions options, DataDirectory data)
    {
        try
        {
            return TlsCertificates.Load(options.CertificatePath, options.CertificateKeyPath, data.TlsDirectory, options.Time, options.ProxyDomain);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException(e.Message, e);
        }
    }

    /// <summary>Key check before migrations, so a wrong key file changes nothing; then migrations; then the keyring opens.</summary>
    private static async Task PrepareStateAsync(IServiceProvider services, DatabaseSettings database, CancellationToken ct)
    {
        var keyring = services.GetRequiredService<Keyring>();
        try
        {
            bool existing;
            await using (var db = StorageServiceCollectionExtensions.CreateContext(database))
                existing = (await db.Database.GetAppliedMigrationsAsync(ct)).Any();
            if (existing) await keyring.VerifyAsync(ct);
            await DatabaseMigrator.MigrateAsync(database, ct);
            await keyring.OpenAsync(new Actor("system", "local"), ct);
        }
        catch (KeyringException e)
        {
            throw new StartupException(e.Message, e);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException && e is not StartupException)
        {
            throw new StartupException($"The database ({database.Redacted}) cannot be used: {e.Message}", e);
        }
    }

    private static WebApplication Build(ServeOptions options, DataDirectory data, DatabaseSettings database,
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
            EnvironmentName = Environments.Production,
            // Pages are found in the application assembly; name it, since a test runner may be the entry assembly.
            ApplicationName = typeof(CustosHost).Assembly.GetName().Name,
            Args = [],
        });
        // Request paths can carry one-time tokens (the setup link); the framework's per-request logs stay off.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // The forwarder logs every proxied URL (with the target's query strings) at Information; the request log records what matters.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(options.Bind, options.HttpsPort, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                TlsPolicy.Apply(https);
            }));
            if (options.HttpPort > 0) kestrel.Listen(options.Bind, options.HttpPort);
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.Time);
        services.AddSingleton(data);
        services.AddSingleton(database);
        services.AddCustosDatabase(database);
        services.AddAudit().AddKeys(data.KeysDirectory).AddIdentity(options.Identity).AddVault(options.Vault)
            .AddDocuments(new LocalBlobStore(data.BlobsDirectory)).AddSecureUse().AddWebProxy(new WebProxyOptions { Domain = options.ProxyDomain })
            .AddSluice(new SluiceOptions
            {
                WorkDirectory = Path.Combine(options.DataDirectory, "sluice-work"), Clamd = ClamdAddress(options.Clamd),
                DefaultRelease = options.SluiceRelease, InlineWait = options.SluiceInlineWait,
            })
            .AddSharing(new SharingOptions
            {
                WorkDirectory = Path.Combine(options.DataDirectory, "share-work"), MaxExpiryDays = options.ShareMaxDays,
                DefaultExpiryDays = Math.Min(7, options.ShareMaxDays),
            });
        services.AddBackupStorage(database, new BackupOptions { DataDirectory = data.Root });
        services.AddSingleton<BackupJobs>();
        services.AddSingleton<ShareVisitorCookie>();
        services.AddHttpForwarder();
        // An edge instance does no background work: the internal one sweeps, syncs, indexes and runs the sluice's queue.
        if (options.Role != ServerRole.Edge)
        {
            services.AddHostedService<WebProxyService>();
            services.AddHostedService<Ldap.DirectorySyncService>();
            services.AddHostedService<VaultExpiryService>();
            services.AddHostedService<VaultStrengthService>();
            services.AddHostedService<RetentionSweepService>();
            services.AddHostedService<SluiceService>();
            services.AddHostedService<DocumentIndexService>();
            services.AddHostedService<ShareSweepService>();
            services.AddHostedService<BackupSchedulerService>();
            services.AddHostedService(sp => new BlobJanitorService(sp.GetRequiredService<BlobJanitor>(), database.Provider == DatabaseProvider.Sqlite,
                sp.GetRequiredService<ILogger<BlobJanitorService>>()));
        }

        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        Policies.Add(services.AddAuthorizationBuilder());

        services.AddDataProtection().SetApplicationName("custos").PersistKeysToDbContext<CustosDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new KeyringXmlEncryptor(sp.GetRequiredService<Keyring>())));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__Host-custos-af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__af";
        });
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddRazorPages(o => o.RootDirectory = "/Web").AddViewLocalization();
        services.AddProblemDetails();
        // Enums as names in both directions ("rights": "Use, Read"), so the API reads like the documentation.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        LoginRateLimit.Add(services, options.Identity.LoginAttemptsPerMinutePerAddress);
        services.AddOpenApi();
        services.AddRouting();

        var app = builder.Build();
        app.UseMiddleware<TransportSecurityMiddleware>(options.HttpsPort);
        app.UseMiddleware<ServerRoleMiddleware>(options.Role);
        // Proxy hosts are served by the web proxy alone, before any of Custos's own handling.
        app.UseMiddleware<WebProxyMiddleware>();
        app.UseMiddleware<RequestLimitsMiddleware>(options.MaxRequestBodyBytes);
        app.UseRequestLocalization(Localization.CultureSettings.Configure);
        app.UseErrorPages();
        app.UseStaticFiles();
        app.UseWebSockets();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapRazorPages();
        app.MapHealthEndpoints();
        app.MapAuditEndpoints();
        app.MapTenantEndpoints();
        app.MapSecurityKeyEndpoints();
        app.MapPasswordStrengthEndpoint();
        app.MapVaultEndpoints();
        app.MapDocumentEndpoints();
        app.MapBackupEndpoints();
        app.MapSluiceEndpoints();
        app.MapSshEndpoints();
        app.MapSshShellEndpoints();
        app.MapWebProxyEndpoints();
        app.MapRetentionEndpoints();
        app.MapSearchEndpoints();
        app.MapShareEndpoints();
        app.MapPublicShareEndpoints();
        app.MapOpenApi().RequireAuthorization();
        return app;
    }

    public Task WaitForShutdownAsync(CancellationToken ct = default) => App.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
