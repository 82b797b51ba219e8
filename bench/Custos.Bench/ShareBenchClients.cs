using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Custos.Bench;

/// <summary>
/// The recipients of the sharing benchmark: each one an HttpClient of its own (one connection, its own cookies, as
/// separate browsers), downloading into SHA-256 and nowhere else; and closed loops for the link checks.
/// </summary>
internal static partial class ShareBenchClients
{
    /// <summary>One recipient: its client and the path of the file it downloads (found the way its browser would).</summary>
    public sealed record Recipient(HttpClient Http, string FilePath);

    /// <summary>
    /// All recipients download at once (released together after every one is connected), each the whole file once, or
    /// again and again until <paramref name="repeatFor"/> has passed. Every download's length and SHA-256 are checked.
    /// Latencies are seconds per download, from the request to the last byte.
    /// </summary>
    public static async Task<(long Items, long Bytes, long Errors, double[] Latencies)> DownloadAllAsync(IReadOnlyList<Recipient> recipients, long size,
        byte[] sha, TimeSpan repeatFor)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        var workers = recipients.Select(r => Task.Run(async () =>
        {
            await go.Task;
            var seconds = new List<double>();
            long errors = 0, bytes = 0;
            do
            {
                var sent = Stopwatch.GetTimestamp();
                var (ok, got) = await DownloadAsync(r, size, sha);
                bytes += got;
                if (ok) seconds.Add(Stopwatch.GetElapsedTime(sent).TotalSeconds);
                else errors++;
            } while (clock.Elapsed < repeatFor);
            return (seconds, errors, bytes);
        })).ToList();
        clock.Start();
        go.SetResult();
        var done = await Task.WhenAll(workers);
        var latencies = done.SelectMany(d => d.seconds).ToArray();
        return (latencies.Length, done.Sum(d => d.bytes), done.Sum(d => d.errors), latencies);
    }

    private static int errorsShown;

    private static async Task<(bool Ok, long Bytes)> DownloadAsync(Recipient r, long size, byte[] sha)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        try
        {
            using var response = await r.Http.GetAsync(r.FilePath, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Show($"GET {r.FilePath}: {(int)response.StatusCode}");
                return (false, 0);
            }
            await using var body = await response.Content.ReadAsStreamAsync();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
            var got = hash.GetHashAndReset();
            if (total == size && got.AsSpan().SequenceEqual(sha)) return (true, total);
            Show($"GET {r.FilePath}: {total} bytes of {size}, SHA-256 {Convert.ToHexStringLower(got)[..16]}… expected {Convert.ToHexStringLower(sha)[..16]}…");
            return (false, total);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            Show($"GET {r.FilePath}: {e.GetType().Name}: {e.Message}");
            return (false, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <paramref name="workers"/> callers, each calling <paramref name="operation"/> (with its own number) in a loop until
    /// <paramref name="duration"/> has passed; latencies in milliseconds of the calls that answered as expected.
    /// </summary>
    public static async Task<(long Items, long Bytes, long Errors, double[] Latencies)> ClosedLoopAsync(int workers, TimeSpan duration,
        Func<int, Task<bool>> operation)
    {
        var clock = Stopwatch.StartNew();
        var done = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var latencies = new List<double>(1 << 14);
            long errors = 0;
            while (clock.Elapsed < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                if (await operation(w)) latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                else errors++;
            }
            return (latencies, errors);
        })));
        var all = done.SelectMany(d => d.latencies).ToArray();
        return (all.Length, 0, done.Sum(d => d.errors), all);
    }

    /// <summary>GET of a page: true when it answers <paramref name="status"/> with <paramref name="marker"/> in the body.</summary>
    public static async Task<bool> PageAsync(HttpClient http, string path, HttpStatusCode status, string marker)
    {
        try
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == status && body.Contains(marker, StringComparison.Ordinal)) return true;
            Show($"GET {path[..Math.Min(12, path.Length)]}…: {(int)response.StatusCode}, {body.Length} characters");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Show($"GET {path[..Math.Min(12, path.Length)]}…: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    /// <summary>The download link on a share page, as the recipient's browser finds it.</summary>
    public static async Task<string> FileLinkAsync(HttpClient http, string sharePath)
    {
        var page = await http.GetStringAsync(sharePath);
        return FileLink().Match(page) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException($"{sharePath} shows no download link:\n{page[..Math.Min(2000, page.Length)]}");
    }

    /// <summary>Types the password into the link's form (GET for the anti-forgery token and the visitor cookie, then POST); the answer's status.</summary>
    public static async Task<HttpStatusCode> EnterPasswordAsync(HttpClient http, string sharePath, string password)
    {
        var page = await http.GetStringAsync(sharePath);
        var token = AntiforgeryField().Match(page);
        var fields = new Dictionary<string, string> { ["password"] = password };
        if (token.Success) fields["__af"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        using var response = await http.PostAsync($"{sharePath}?handler=password", new FormUrlEncodedContent(fields));
        return response.StatusCode;
    }

    /// <summary>What a new connection to the server negotiates: TLS version and cipher suite.</summary>
    public static async Task<string> TlsAsync(Uri server, byte[] certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = server.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(certificate),
        });
        return $"{tls.SslProtocol}, {tls.NegotiatedCipherSuite}";
    }

    private static void Show(string text)
    {
        if (Interlocked.Increment(ref errorsShown) <= 10) Console.WriteLine($"  {text}");
    }

    [GeneratedRegex("<a href=\"(/s/[^\"]+/files/[0-9a-f-]{36})\" download>")]
    private static partial Regex FileLink();

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
