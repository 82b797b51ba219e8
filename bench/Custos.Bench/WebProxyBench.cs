using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Commands;
using Custos.Core.Identity;
using Custos.Tests.Infrastructure;
using Custos.Web;

namespace Custos.Bench;

/// <summary>
/// The web proxy (secure use, TOM 6.9) against Debian's nginx with auth_basic on loopback: requests per second for one
/// static page (about 2 KiB of HTML) direct to nginx (the client sends the Basic header itself), over HTTPS as a browser
/// reaches a real target and over plain HTTP, and through Custos's proxy (HTTPS, session cookie; Custos adds the
/// credential, keeps cookies, scrubs the body, logs the request and fetches from nginx over HTTP on loopback), in the
/// same run, with wrk where installed and an in-process HttpClient loop otherwise. For scale, Custos's own /healthz over
/// the same HTTPS listener shows what TLS and Kestrel alone cost. Target: proxy ≥ 50% of direct; the browser's side is
/// HTTPS on both paths only when compared with direct HTTPS, so that is the comparison the target is judged by, and
/// the plain-HTTP figure is printed beside it.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static partial class WebProxyBench
{
    private const string Wrk = "/usr/bin/wrk";
    private const string ProxyDomain = "proxy.bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = IntOption(args, "--duration", 10);
        var connections = IntOption(args, "--connections", 32);
        var warmup = IntOption(args, "--warmup", 5);
        var rounds = Math.Max(1, IntOption(args, "--rounds", 3));
        var useWrk = File.Exists(Wrk) && !args.Contains("--no-wrk");
        var password = "Zq7!bench-" + Guid.NewGuid().ToString("N");
        await using var nginx = await NginxTestServer.StartAsync(password, workers: Environment.ProcessorCount, tls: true);
        var data = Directory.CreateTempSubdirectory("custos-bench-web-").FullName;
        var port = FreePort.Next();
        var host = await CustosHost.StartAsync(new ServeOptions
        {
            DataDirectory = data, HttpsPort = port, HttpPort = 0, ProxyDomain = ProxyDomain,
            Identity = new IdentityOptions { Argon2 = new Argon2Parameters(1024, 1, 1) },
        });
        try
        {
            var (launch, basic) = await OpenSessionAsync(data, port, nginx, password);
            var (proxyHost, cookie) = await LaunchAsync(port, launch);
            Console.WriteLine($"web-proxy: static page {nginx.Page.Length} B, {seconds} s per run, {connections} connections, " +
                $"{(useWrk ? "wrk" : "in-process HttpClient")}, {warmup} s warm-up, {rounds} rounds, {Environment.ProcessorCount} cores, load {Load.Average()}");

            // Unmeasured: the first seconds of a path compile its code (tiered JIT) on the same two cores; a server that
            // runs for days pays that once, so the measured runs start warm (and after a pause for the compiler to finish).
            Task<double> Proxied(int s) => useWrk
                ? WrkAsync($"https://127.0.0.1:{port}/index.html", s, connections, ("Host", proxyHost), ("Cookie", cookie))
                : LoopAsync(new Uri($"https://{proxyHost}/index.html"), port, s, connections, ("Cookie", cookie));
            Task<double> Health(int s) => useWrk
                ? WrkAsync($"https://127.0.0.1:{port}/healthz", s, connections)
                : LoopAsync(new Uri($"https://127.0.0.1:{port}/healthz"), port, s, connections);
            Task<double> Direct(int s) => useWrk
                ? WrkAsync($"{nginx.Origin}/index.html", s, connections, ("Authorization", $"Basic {basic}"))
                : LoopAsync(new Uri($"{nginx.Origin}/index.html"), null, s, connections, ("Authorization", $"Basic {basic}"));
            Task<double> DirectTls(int s) => useWrk
                ? WrkAsync($"{nginx.TlsOrigin}/index.html", s, connections, ("Authorization", $"Basic {basic}"))
                : LoopAsync(new Uri($"{nginx.TlsOrigin}/index.html"), nginx.TlsPort, s, connections, ("Authorization", $"Basic {basic}"));
            if (warmup > 0)
            {
                await Proxied(warmup);
                await Health(warmup);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            // Rounds in a rotating order, so that no path always runs first (or right after another's background work).
            var runs = new (string Name, Func<int, Task<double>> Run, List<double> Rates)[]
            {
                ("direct to nginx (HTTPS)       ", DirectTls, []), ("direct to nginx (HTTP)        ", Direct, []), ("through Custos's proxy (HTTPS)", Proxied, []),
            };
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < runs.Length; i++)
                {
                    var (name, run, rates) = runs[(i + round) % runs.Length];
                    rates.Add(await run(seconds));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round + 1}: {string.Join(", ", runs.Select(r => $"{r.Name.Trim()} {r.Rates[^1]:F0}"))} req/s; load {Load.Average()}"));
            }
            var health = await Health(seconds);
            var (directTls, direct, proxied) = (Median(runs[0].Rates), Median(runs[1].Rates), Median(runs[2].Rates));
            Console.WriteLine($"  medians of {rounds} rounds:");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  direct to nginx (HTTPS)        {directTls,10:F0} req/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  direct to nginx (HTTP)         {direct,10:F0} req/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  through Custos's proxy (HTTPS) {proxied,10:F0} req/s  = {proxied / directTls:P0} of direct HTTPS (target >= 50%), {proxied / direct:P0} of direct HTTP"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Custos /healthz (HTTPS)        {health,10:F0} req/s  (TLS and Kestrel alone, no proxying)"));
            return 0;
        }
        finally
        {
            await host.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A tenant with a Use-only user and a Basic entry for nginx, set up with the command line; the user opens a session.</summary>
    private static async Task<(string LaunchUrl, string Basic)> OpenSessionAsync(string data, int port, NginxTestServer nginx, string password)
    {
        var pw = Path.Combine(data, "bench.pw");
        await File.WriteAllTextAsync(pw, "Correct-Horse-42-bench");
        foreach (var command in new[]
        {
            new[] { "user", "add", "webuser", "--password-file", pw }, ["group", "add", "web"], ["group", "add-member", "web", "webuser"],
            ["tenant", "add", "Bench"], ["tenant", "grant", "Bench", "web"], ["tenant", "vault-grant", "Bench", "web", "--rights", "manage"],
        })
            await CliAsync(data, command);
        var token = JsonDocument.Parse(await CliAsync(data, "token", "create", "--user", "webuser", "--scope", "vault:read", "--scope", "vault:write", "--json"))
            .RootElement.GetProperty("token").GetString()!;
        using var api = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{port}/"),
        };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var tenant = (await api.GetFromJsonAsync<JsonElement>("/api/v1/tenants")).EnumerateArray().Single().GetProperty("id").GetGuid();
        var vault = $"/api/v1/tenants/{tenant}/vault";
        var folder = (await PostAsync(api, $"{vault}/folders", new { name = "Web", permissions = Array.Empty<object>(), inheritRights = true })).GetProperty("id").GetGuid();
        var entry = (await PostAsync(api, $"{vault}/entries", new
        {
            folderId = folder, title = "nginx", userName = nginx.UserName, password, permissions = Array.Empty<object>(),
            urls = new[] { nginx.Origin + "/index.html" }, fields = new object[] { new { name = "login", value = "basic", secret = false } },
        })).GetProperty("entry").GetProperty("id").GetGuid();
        var launch = (await PostAsync(api, $"{vault}/entries/{entry}/web/open", new { reason = "benchmark" })).GetProperty("url").GetString()!;
        return (launch, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{nginx.UserName}:{password}")));
    }

    /// <summary>Follows the launch link once and returns the proxy host (with port) and the session cookie as a Cookie header.</summary>
    private static async Task<(string Host, string Cookie)> LaunchAsync(int port, string launchUrl)
    {
        using var client = Client(port, 1);
        using var response = await client.GetAsync(launchUrl);
        if (response.StatusCode != HttpStatusCode.Redirect || !response.Headers.TryGetValues("Set-Cookie", out var cookies))
            throw new InvalidOperationException($"The launch link answered {(int)response.StatusCode}.");
        return (new Uri(launchUrl).Authority, cookies.Single().Split(';')[0]);
    }

    private static async Task<double> WrkAsync(string url, int seconds, int connections, params (string Name, string Value)[] headers)
    {
        var args = new List<string> { "-t", Math.Max(1, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture), "-c", $"{connections}", "-d", $"{seconds}s" };
        foreach (var (name, value) in headers) args.AddRange(["-H", $"{name}: {value}"]);
        args.Add(url);
        var (code, output) = await SshTestServer.RunAsync(Wrk, null, [.. args]);
        if (code != 0) throw new InvalidOperationException($"wrk exited with {code}:\n{output}");
        var rate = RequestsPerSecond().Match(output);
        if (!rate.Success) throw new InvalidOperationException($"wrk printed no Requests/sec:\n{output}");
        if (NonSuccess().Match(output) is { Success: true } bad) throw new InvalidOperationException($"{url}: {bad.Value} (expected only 2xx):\n{output}");
        return double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Closed loop of <paramref name="connections"/> workers for the duration; every answer must be 200.</summary>
    private static async Task<double> LoopAsync(Uri url, int? custosPort, int seconds, int connections, params (string Name, string Value)[] headers)
    {
        using var client = custosPort is { } p ? Client(p, connections) : new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false });
        foreach (var (name, value) in headers) client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        long done = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                using var response = await client.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}.");
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>A client that reaches every host name at Custos's loopback port (proxy hosts need no DNS here).</summary>
    private static HttpClient Client(int port, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
        // The server's own self-signed certificate, made a moment ago.
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    });

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> CliAsync(string data, params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CustosCommandLine.RunAsync([.. args, "--data", data], output, error);
        if (code != 0) throw new InvalidOperationException($"custos {string.Join(' ', args)} exited {code}: {error}{output}");
        return output.ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+\d+")]
    private static partial Regex NonSuccess();
}
