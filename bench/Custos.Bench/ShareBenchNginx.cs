using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Custos.Tests.Infrastructure;

namespace Custos.Bench;

/// <summary>
/// The sharing benchmark's ceiling: Debian's nginx on a free loopback port serving one plaintext file from disk over
/// HTTPS (a self-signed ECDSA P-256 certificate made by openssl, as Custos makes its own), with its own prefix and
/// configuration as <see cref="NginxTestServer"/> does for the web proxy tests. One worker per core, access log on
/// (Custos writes a log line per download too), sendfile on (nginx cannot use it under TLS: it reads and encrypts).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ShareBenchNginx : IAsyncDisposable
{
    public const string FileName = "share.bin";

    private readonly string root;
    private Process? process;

    private ShareBenchNginx(string root, int port)
    {
        this.root = root;
        Port = port;
    }

    public int Port { get; }
    public Uri BaseAddress => new($"https://127.0.0.1:{Port}/");
    public byte[] Certificate { get; private set; } = [];
    public string Version { get; private set; } = "";
    public string Www => Path.Combine(root, "www");
    public int Workers { get; private set; }
    /// <summary>The master's process id: the root of the tree whose CPU and memory are nginx's.</summary>
    public int MasterPid => process?.Id ?? throw new InvalidOperationException("nginx is not running.");

    /// <summary>Starts nginx; <paramref name="writeFile"/> puts the file to serve into <see cref="Www"/> first.</summary>
    public static async Task<ShareBenchNginx> StartAsync(Func<string, Task> writeFile, int workers)
    {
        if (!File.Exists(NginxTestServer.Nginx) || !File.Exists(NginxTestServer.OpenSsl))
            throw new InvalidOperationException($"{NginxTestServer.Nginx} or {NginxTestServer.OpenSsl} is missing (Debian packages nginx and openssl).");
        var root = Directory.CreateTempSubdirectory("custos-share-nginx-").FullName;
        var server = new ShareBenchNginx(root, FreePort.Next()) { Workers = workers };
        try
        {
            Directory.CreateDirectory(server.Www);
            Directory.CreateDirectory(Path.Combine(root, "tmp"));
            await writeFile(Path.Combine(server.Www, FileName));
            await File.WriteAllTextAsync(Path.Combine(server.Www, "ready.txt"), "ready\n");
            await server.WriteConfigAsync();
            await server.RunAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WriteConfigAsync()
    {
        var (code, output) = await SshTestServer.RunAsync(NginxTestServer.OpenSsl, null, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", Path.Combine(root, "key.pem"), "-out", Path.Combine(root, "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1");
        if (code != 0) throw new InvalidOperationException($"openssl req exited with {code}: {output}");
        using (var cert = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(root, "cert.pem"))))
            Certificate = cert.RawData;
        var user = Environment.IsPrivilegedProcess ? "user root;" : "";
        await File.WriteAllTextAsync(Path.Combine(root, "nginx.conf"), $$"""
            {{user}}
            worker_processes {{Workers}};
            daemon off;
            pid {{root}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 1024; }
            http {
                access_log {{root}}/access.log;
                client_body_temp_path {{root}}/tmp/body;
                proxy_temp_path {{root}}/tmp/proxy;
                fastcgi_temp_path {{root}}/tmp/fastcgi;
                uwsgi_temp_path {{root}}/tmp/uwsgi;
                scgi_temp_path {{root}}/tmp/scgi;
                types { text/plain txt; }
                default_type application/octet-stream;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 100000;
                keepalive_timeout 300s;
                server {
                    listen 127.0.0.1:{{Port}} ssl;
                    ssl_certificate {{root}}/cert.pem;
                    ssl_certificate_key {{root}}/key.pem;
                    ssl_protocols TLSv1.2 TLSv1.3;
                    root {{Www}};
                }
            }
            """);
    }

    private async Task RunAsync()
    {
        var conf = Path.Combine(root, "nginx.conf");
        var (code, output) = await SshTestServer.RunAsync(NginxTestServer.Nginx, null, "-t", "-p", root, "-c", conf);
        if (code != 0) throw new InvalidOperationException($"nginx -t rejected {conf} (exit {code}):\n{output}");
        Version = (await SshTestServer.RunAsync(NginxTestServer.Nginx, null, "-v")).Output.Trim();
        var start = new ProcessStartInfo(NginxTestServer.Nginx) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-p", root, "-c", conf }) start.ArgumentList.Add(a);
        process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"  nginx: {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"  nginx: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = BenchServer.PinnedClient(BaseAddress, Certificate, 1);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"nginx exited with code {process.ExitCode} before it was ready.");
            try
            {
                using var response = await client.GetAsync("ready.txt");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"nginx on {BaseAddress} did not serve ready.txt within 15 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>Resident memory of the master and its workers together (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var master = MasterPid;
        long kib = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var lines = File.ReadAllLines(Path.Combine(dir, "status"));
                var ppid = lines.FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                if (pid != master && (ppid is null || int.Parse(ppid[5..].Trim(), CultureInfo.InvariantCulture) != master)) continue;
                var rss = lines.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (rss is not null) kib += long.Parse(rss[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended meanwhile.
            }
        }
        return kib * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            process = null;
        }
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temporary directory behind.
        }
    }
}

/// <summary>The peak of a sampled figure (another process's memory) while a phase runs: every 50 ms on a thread of its own.</summary>
internal sealed class PeakSampler
{
    private readonly Func<long> read;
    private readonly Thread thread;
    private volatile bool stop;
    private long peak;

    private PeakSampler(Func<long> read)
    {
        this.read = read;
        Baseline = read();
        peak = Baseline;
        thread = new Thread(() =>
        {
            while (!stop)
            {
                peak = Math.Max(peak, this.read());
                Thread.Sleep(50);
            }
        }) { IsBackground = true, Name = "peak sampler" };
        thread.Start();
    }

    public long Baseline { get; }

    public static PeakSampler Start(Func<long> read) => new(read);

    public long Stop()
    {
        stop = true;
        thread.Join();
        return Math.Max(peak, read());
    }
}
