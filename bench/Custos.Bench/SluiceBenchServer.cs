using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Custos.Commands;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Sluice;
using Custos.Tests.Infrastructure;
using Custos.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// The real server for the sluice benchmark: a <see cref="CustosHost"/> over SQLite in a temporary data directory that
/// asks the given clamd, releases disarmed copies, and waits for the verdict as long as a disarm takes (so that an
/// upload's answer marks the end of its file's whole way through the sluice). A user with document Write on one tenant
/// and a token for it are set up through the command line, in-process.
/// </summary>
internal sealed class SluiceBenchServer : IAsyncDisposable
{
    private readonly string dataDirectory;
    private readonly byte[] certificate;

    private SluiceBenchServer(CustosHost host, string dataDirectory, byte[] certificate)
    {
        Host = host;
        this.dataDirectory = dataDirectory;
        this.certificate = certificate;
    }

    public CustosHost Host { get; }
    public Guid Tenant { get; private set; }
    public string Token { get; private set; } = "";

    public static async Task<SluiceBenchServer> StartAsync(string clamdAddress)
    {
        var dir = Directory.CreateTempSubdirectory("custos-bench-sluice-").FullName;
        var host = await CustosHost.StartAsync(new ServeOptions
        {
            DataDirectory = dir,
            HttpsPort = FreePort.Next(),
            HttpPort = 0,
            Identity = new IdentityOptions { Argon2 = new Argon2Parameters(1024, 1, 1) },
            Clamd = clamdAddress,
            SluiceRelease = SluiceRelease.Disarmed,
            SluiceInlineWait = TimeSpan.FromMinutes(30),
        });
        var pem = await File.ReadAllTextAsync(Path.Combine(dir, "tls", "cert.pem"));
        using var cert = X509Certificate2.CreateFromPem(pem);
        var server = new SluiceBenchServer(host, dir, cert.RawData);
        await server.SetUpAsync();
        return server;
    }

    private async Task SetUpAsync()
    {
        var password = Path.Combine(dataDirectory, "bench-user.pw");
        await File.WriteAllTextAsync(password, "Correct-Horse-42-bench");
        await CliAsync("user", "add", "bench", "--password-file", password);
        await CliAsync("group", "add", "docs");
        await CliAsync("group", "add-member", "docs", "bench");
        await CliAsync("tenant", "add", "Bench");
        await CliAsync("tenant", "grant", "Bench", "docs", "--documents", "write");
        var token = await CliAsync("token", "create", "--user", "bench", "--scope", AccessTokens.DocumentsRead, "--scope", AccessTokens.DocumentsWrite, "--json");
        Token = JsonDocument.Parse(token).RootElement.GetProperty("token").GetString()!;
        await using var db = Context();
        Tenant = (await db.Tenants.AsNoTracking().Where(t => t.Name == "Bench").Select(t => t.Id).SingleAsync()).Value;
    }

    private async Task<string> CliAsync(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CustosCommandLine.RunAsync([.. args, "--data", dataDirectory], output, error);
        if (code != 0) throw new InvalidOperationException($"custos {string.Join(' ', args)} exited {code}: {error}{output}");
        return output.ToString();
    }

    public CustosDbContext Context() => Host.Services.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContext();

    /// <summary>A client that trusts exactly the server's self-signed certificate, with the bearer token set.</summary>
    public HttpClient NewClient(int connections)
    {
        var pinned = certificate;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(pinned),
            },
        };
        var client = new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{Host.HttpsUrl.Port}/"), Timeout = Timeout.InfiniteTimeSpan, DefaultRequestVersion = HttpVersion.Version11,
        };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public async Task<Guid> CreateFolderAsync(HttpClient http, string name)
    {
        using var response = await http.PostAsJsonAsync($"api/v1/tenants/{Tenant}/documents/folders", new { name });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST folders answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temporary directory behind.
        }
    }
}
