using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Custos.Commands;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Storage;
using Custos.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Custos.Bench;

/// <summary>
/// The real server for the vault benchmarks: a <see cref="CustosHost"/> on a free loopback port, over SQLite in a temporary
/// data directory or over a throwaway database on the given PostgreSQL server, with the command line run in-process
/// against the same data (as an operator would set things up). Disposing stops the server and removes the data.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string UserPassword = "Correct-Horse-42-bench";

    private readonly string dataDirectory;
    private readonly string? connectionString;
    private readonly string? pgAdmin;
    private readonly string? pgName;
    private readonly byte[] certificate;

    private BenchServer(CustosHost host, string dataDirectory, string? connectionString, string? pgAdmin, string? pgName, byte[] certificate)
    {
        Host = host;
        this.dataDirectory = dataDirectory;
        this.connectionString = connectionString;
        this.pgAdmin = pgAdmin;
        this.pgName = pgName;
        this.certificate = certificate;
        BaseAddress = new Uri($"https://127.0.0.1:{host.HttpsUrl.Port}/");
    }

    public CustosHost Host { get; }
    /// <summary>The server's data directory (--data).</summary>
    public string DataDirectory => dataDirectory;
    /// <summary>The server's PostgreSQL connection string (--db); null on SQLite.</summary>
    public string? ConnectionString => connectionString;
    /// <summary>The IP literal rather than "localhost", so no connection first tries ::1.</summary>
    public Uri BaseAddress { get; }

    public string DatabaseDescription => pgName is null
        ? "SQLite (server default: WAL, data directory on local disk)"
        : $"PostgreSQL ({new NpgsqlConnectionStringBuilder(connectionString) { Password = null }})";

    /// <summary>
    /// Starts the server. For PostgreSQL, <paramref name="pgPool"/> sets Npgsql's Maximum Pool Size in the server's
    /// connection string (0 keeps Npgsql's default of 100, which equals PostgreSQL's default max_connections).
    /// </summary>
    /// <remarks>The data directory is a new folder in <paramref name="parent"/> (default: the temporary directory).</remarks>
    public static async Task<BenchServer> StartAsync(string? pgAdmin, int pgPool = 0, string? parent = null)
    {
        var dir = parent is null ? Directory.CreateTempSubdirectory("custos-bench-").FullName
            : Directory.CreateDirectory(Path.Combine(parent, "custos-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        string? cs = null, name = null;
        if (pgAdmin is not null)
        {
            name = await CreateDatabaseAsync(pgAdmin, "custos_bench_");
            var builder = new NpgsqlConnectionStringBuilder(pgAdmin) { Database = name };
            if (pgPool > 0) builder.MaxPoolSize = pgPool;
            cs = builder.ToString();
        }

        // Every upload passes the data sluice: a real clamd of the run's own, with limits above the largest benchmark file.
        var clamd = new Custos.Tests.Infrastructure.ClamdTestServer(new Custos.Tests.Infrastructure.ClamdTestServerOptions
            { StreamMaxLength = "2000M", MaxFileSize = "2000M", MaxScanSize = "2000M" });
        await clamd.StartAsync();
        var host = await CustosHost.StartAsync(new ServeOptions
        {
            DataDirectory = dir,
            Database = cs,
            HttpsPort = FreePort(),
            HttpPort = 0,
            // Light hashing: the benchmarks measure the vault, not logins (the tokens are SHA-256 anyway).
            Identity = new IdentityOptions { Argon2 = new Argon2Parameters(1024, 1, 1) },
            Clamd = clamd.Address,
            // The documents benchmark stores what it sends (random data has nothing to disarm either way).
            SluiceRelease = Core.Sluice.SluiceRelease.Original,
            SluiceInlineWait = TimeSpan.FromMinutes(30),
        });
        // The server made a self-signed certificate in the data directory; the clients accept exactly that one.
        var pem = await File.ReadAllTextAsync(Path.Combine(dir, "tls", "cert.pem"));
        using var cert = X509Certificate2.CreateFromPem(pem);
        return new BenchServer(host, dir, cs, pgAdmin, name, cert.RawData) { clamd = clamd };
    }

    /// <summary>Runs `custos ARGS --data DIR [--db CS]` in-process; throws with what it printed when it fails.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        string[] all = connectionString is null ? [.. args, "--data", dataDirectory] : [.. args, "--data", dataDirectory, "--db", connectionString];
        var code = await CustosCommandLine.RunAsync(all, output, error);
        if (code != 0) throw new InvalidOperationException($"custos {string.Join(' ', args)} exited {code}: {error}{output}");
        return output.ToString();
    }

    /// <summary>
    /// A user in group "ops" with Manage on the vault root of a new tenant, as an operator would set it up; returns the
    /// tenant and user ids.
    /// </summary>
    public async Task<(TenantId Tenant, UserId User)> VaultOwnerAsync(string user, string tenant)
    {
        var passwordFile = Path.Combine(dataDirectory, "bench-user.pw");
        await File.WriteAllTextAsync(passwordFile, UserPassword);
        await CliAsync("user", "add", user, "--password-file", passwordFile);
        await CliAsync("group", "add", "ops");
        await CliAsync("group", "add-member", "ops", user);
        await CliAsync("tenant", "add", tenant);
        await CliAsync("tenant", "grant", tenant, "ops");
        await CliAsync("tenant", "vault-grant", tenant, "ops", "--rights", "manage");
        await using var db = Context();
        var tenantId = await db.Tenants.AsNoTracking().Where(t => t.Name == tenant).Select(t => t.Id).SingleAsync();
        var userId = await db.Users.AsNoTracking().Where(u => u.UserName == UserNames.Normalize(user)).Select(u => u.Id).SingleAsync();
        return (tenantId, userId);
    }

    public async Task<string> TokenAsync(string user, params string[] scopes)
    {
        var output = await CliAsync(["token", "create", "--user", user, .. scopes.SelectMany(s => new[] { "--scope", s }), "--json"]);
        return JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A context on the server's database, from the server's own factory.</summary>
    public CustosDbContext Context() => Host.Services.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContext();

    /// <summary>
    /// A keep-alive HTTP/1.1 client with up to <paramref name="connections"/> connections that trusts the server's
    /// certificate and nothing else (name checks aside: it is addressed by IP). With <paramref name="cookies"/>, it keeps
    /// cookies there as a browser does.
    /// </summary>
    public HttpClient NewClient(int connections, CookieContainer? cookies = null) => PinnedClient(BaseAddress, certificate, connections, cookies);

    /// <summary>As <see cref="NewClient"/>, for any HTTPS server on loopback whose certificate (DER) is known.</summary>
    public static HttpClient PinnedClient(Uri baseAddress, byte[] certificate, int connections, CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(certificate),
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60), DefaultRequestVersion = HttpVersion.Version11 };
    }

    /// <summary>The DER form of the server's self-signed certificate.</summary>
    public byte[] Certificate => certificate;

    private Custos.Tests.Infrastructure.ClamdTestServer? clamd;

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (clamd is not null) await clamd.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (pgName is not null) await DropDatabaseAsync(pgAdmin!, pgName);
        try
        {
            Directory.Delete(dataDirectory, true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temporary directory behind.
        }
    }

    /// <summary>Creates an empty database named <paramref name="prefix"/> and a random suffix on the server of <paramref name="pgAdmin"/>; returns its name.</summary>
    public static async Task<string> CreateDatabaseAsync(string pgAdmin, string prefix)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        await using var conn = new NpgsqlConnection(pgAdmin);
        await conn.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await create.ExecuteNonQueryAsync();
        return name;
    }

    public static async Task DropDatabaseAsync(string pgAdmin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(pgAdmin);
        await conn.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
        await drop.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Load
{
    /// <summary>The 1, 5 and 15 minute load averages, to judge how much else ran on the machine.</summary>
    public static string Average()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
