using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// Debian's nginx on a free loopback port behind <c>auth_basic</c> (one user, an apr1 hash made by <c>openssl passwd</c>),
/// serving a static page and a few locations that misbehave on purpose: one reflects the Authorization header in its
/// body, one in a response header, one sets cookies (its own, and for the proxy's parent domain and Custos's host), one
/// redirects to its own absolute URL. Each instance has its own directory and configuration. With <c>tls</c> it also
/// listens with HTTPS on a second port (a self-signed P-256 certificate made by <c>openssl req</c>), so a benchmark can
/// compare a proxy served over HTTPS with the target served over HTTPS.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NginxTestServer : IAsyncDisposable
{
    public const string Nginx = "/usr/sbin/nginx";
    public const string OpenSsl = "/usr/bin/openssl";
    public const string PageMarker = "Statische Testseite hinter auth_basic";

    private readonly string root;
    private readonly StringBuilder log = new();
    private Process? process;

    private NginxTestServer(string root, int port, int? tlsPort, string userName, string password)
    {
        this.root = root;
        Port = port;
        TlsPort = tlsPort;
        UserName = userName;
        Password = password;
    }

    public int Port { get; }
    public string UserName { get; }
    public string Password { get; }
    public string Origin => $"http://127.0.0.1:{Port}";
    /// <summary>The HTTPS port when started with <c>tls</c>.</summary>
    public int? TlsPort { get; }
    public string TlsOrigin => TlsPort is { } p ? $"https://127.0.0.1:{p}" : throw new InvalidOperationException("nginx was started without TLS.");
    /// <summary>The static page's body (about 2 KiB of HTML).</summary>
    public string Page { get; private set; } = "";

    /// <param name="parentDomain">The domain a hostile cookie is set for (the proxy's parent domain).</param>
    /// <param name="workers">nginx worker processes (1 for tests; the benchmark gives it the machine).</param>
    /// <param name="tls">Also listen with HTTPS (<see cref="TlsOrigin"/>).</param>
    public static async Task<NginxTestServer> StartAsync(string password, string userName = "webadmin", string parentDomain = "proxy.test", int workers = 1,
        bool tls = false)
    {
        if (!File.Exists(Nginx) || !File.Exists(OpenSsl))
            throw new InvalidOperationException($"{Nginx} or {OpenSsl} is missing: ./test.sh installs Debian's nginx package (the web proxy tests need a real nginx).");
        var root = Directory.CreateTempSubdirectory("custos-nginx-").FullName;
        var server = new NginxTestServer(root, FreePort.Next(), tls ? FreePort.Next() : null, userName, password);
        try
        {
            await server.WriteFilesAsync(parentDomain, workers);
            await server.StartNginxAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string LogText()
    {
        lock (log) return log.ToString();
    }

    private async Task WriteFilesAsync(string parentDomain, int workers)
    {
        var (code, hash) = await SshTestServer.RunAsync(OpenSsl, Password + "\n", "passwd", "-apr1", "-stdin");
        if (code != 0) throw new InvalidOperationException($"openssl passwd exited with {code}: {hash}");
        var www = Directory.CreateDirectory(Path.Combine(root, "www")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        await File.WriteAllTextAsync(Path.Combine(root, "htpasswd"), $"{UserName}:{hash.Trim()}\n");
        var filler = string.Concat(Enumerable.Range(1, 30).Select(i => $"<p>Absatz {i}: Lorem ipsum dolor sit amet, consectetur adipiscing.</p>\n"));
        Page = $"<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>Test</title></head><body><h1>{PageMarker}</h1>\n{filler}</body></html>\n";
        await File.WriteAllTextAsync(Path.Combine(www, "index.html"), Page);
        var tls = "";
        if (TlsPort is { } tlsPort)
        {
            var (made, output) = await SshTestServer.RunAsync(OpenSsl, null, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", Path.Combine(root, "tls.key"), "-out", Path.Combine(root, "tls.crt"));
            if (made != 0) throw new InvalidOperationException($"openssl req exited with {made}: {output}");
            tls = $"listen 127.0.0.1:{tlsPort} ssl; ssl_certificate {root}/tls.crt; ssl_certificate_key {root}/tls.key;";
        }
        // Workers run as an unprivileged user unless told otherwise; the temporary directory is the owner's only.
        var user = Environment.IsPrivilegedProcess ? "user root;" : "";
        await File.WriteAllTextAsync(Path.Combine(root, "nginx.conf"), $$"""
            {{user}}
            worker_processes {{workers}};
            daemon off;
            pid {{root}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{root}}/tmp/body;
                proxy_temp_path {{root}}/tmp/proxy;
                fastcgi_temp_path {{root}}/tmp/fastcgi;
                uwsgi_temp_path {{root}}/tmp/uwsgi;
                scgi_temp_path {{root}}/tmp/scgi;
                types { text/html html; text/plain txt; }
                default_type text/plain;
                keepalive_requests 100000;
                server {
                    listen 127.0.0.1:{{Port}};
                    {{tls}}
                    root {{www}};
                    auth_basic "Custos test";
                    auth_basic_user_file {{root}}/htpasswd;
                    location = /reflect { return 200 "you sent: $http_authorization"; }
                    location = /reflect-header { add_header X-Echo "$http_authorization" always; return 200 "see the header"; }
                    location = /cookies {
                        add_header Set-Cookie "nginx_session=abc123; Path=/; HttpOnly" always;
                        add_header Set-Cookie "parent_cookie=evil; Domain={{parentDomain}}; Path=/" always;
                        add_header Set-Cookie "custos_cookie=evil; Domain=localhost; Path=/" always;
                        return 200 "cookies set";
                    }
                    location = /away { return 302 http://127.0.0.1:{{Port}}/index.html; }
                }
            }
            """);
    }

    private async Task StartNginxAsync()
    {
        var conf = Path.Combine(root, "nginx.conf");
        var (code, output) = await SshTestServer.RunAsync(Nginx, null, "-t", "-p", root, "-c", conf);
        if (code != 0) throw new InvalidOperationException($"nginx -t rejected {conf} (exit {code}):\n{output}");
        var start = new ProcessStartInfo(Nginx) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-p", root, "-c", conf }) start.ArgumentList.Add(a);
        var p = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        await WaitUntilReadyAsync(p);
    }

    /// <summary>Ready once a request without credentials gets nginx's 401: that is nginx serving, not merely a socket that listens.</summary>
    private async Task WaitUntilReadyAsync(Process p)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? last = null;
        while (true)
        {
            if (p.HasExited) throw new InvalidOperationException($"nginx exited with code {p.ExitCode} before it was ready:\n{LogText()}");
            try
            {
                using var response = await client.GetAsync($"{Origin}/");
                if (response.StatusCode == HttpStatusCode.Unauthorized) return;
                last = $"status {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"nginx on {Origin} did not answer 401 within 15 s (last: {last}):\n{LogText()}");
            await Task.Delay(50);
        }
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
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
