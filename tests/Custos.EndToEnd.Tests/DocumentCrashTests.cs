using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// The document store's crash requirement: an upload interrupted half-way because the server process was killed with
/// SIGKILL leaves no partial version visible, and no orphaned blob after the next start. The real `./custos serve` is
/// killed while a new 512 MiB document and a 512 MiB check-in are streaming (each with at least 64 MiB already in
/// blobs/tmp), then started again on the same data directory.
/// </summary>
public sealed class DocumentCrashTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;
    private const long BigSize = 512 * MiB;

    /// <summary>Sent at full speed; the rest trickles (well above Kestrel's minimum data rate), so the upload is still running when killed.</summary>
    private const long FastPart = 96 * MiB;

    /// <summary>What each unfinished upload must have written under blobs/tmp before the kill.</summary>
    private const long OnDiskBeforeKill = 64 * MiB;

    private const string Tenant = "Acme";
    private const string User = "carol";
    private const string Document = "ledger.dat";
    private const string InterruptedDocument = "archive.bin";

    /// <summary>How long the uploads may take to put <see cref="OnDiskBeforeKill"/> on disk: a liveness bound, not a speed target.</summary>
    private static readonly TimeSpan ProgressLimit = TimeSpan.FromSeconds(45);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task UploadAndCheckIn_ServerKilledHalfWay_NoPartialVersionAndNoBlobLeftAfterRestart_UploadsWorkAgain()
    {
        Assert.True(OperatingSystem.IsLinux(), "This test kills the server with SIGKILL and reads /proc: Linux only.");
        var (server, _) = await CustosServerProcess.StartAsync();
        CustosServerProcess? restarted = null;
        var work = Directory.CreateTempSubdirectory("custos-crash-e2e").FullName;
        try
        {
            var data = server.DataDirectory;
            var token = await SetUpAsync(data, work);
            Step($"server up at {server.BaseUrl}; {User} has Write on {Tenant}'s documents and a documents:read/write token");

            // 1. One complete document (version 1), checked out.
            Guid folderId, documentId;
            var original = RandomNumberGenerator.GetBytes((int)(3 * MiB));
            var originalSha = Convert.ToHexStringLower(SHA256.HashData(original));
            using (var api = await Api.ConnectAsync(server, token))
            {
                folderId = await api.CreateFolderAsync("Buchhaltung");
                var uploaded = await api.UploadAsync(folderId, Document, new ByteArrayContent(original), "complete");
                Assert.Equal(1, uploaded.CurrentVersion);
                documentId = uploaded.Id;
                await api.CheckOutAsync(documentId);
                var versions = (await api.DocumentAsync(documentId)).Versions!;
                Assert.Equal(originalSha, Assert.Single(versions).Sha256);
                Step($"'{Document}' uploaded completely (version 1, {original.Length / MiB} MiB) and checked out");

                // 2. A new document and a check-in, each of 512 MiB, streaming when the server dies.
                using var uploadClient = await Api.ConnectAsync(server, token);
                using var abandon = new CancellationTokenSource();
                var newBody = new SlowGeneratedContent(BigSize, FastPart, seed: 1);
                var checkInBody = new SlowGeneratedContent(BigSize, FastPart, seed: 2);
                var newUpload = uploadClient.SendUploadAsync(folderId, InterruptedDocument, newBody, abandon.Token);
                var checkIn = uploadClient.SendCheckInAsync(documentId, checkInBody, abandon.Token);
                var temporaries = await WaitForUnfinishedUploadsAsync(data, newUpload, checkIn, newBody, checkInBody);
                Step($"both uploads streaming: {Describe(temporaries)} under blobs/tmp, {newBody.Sent / MiB} + {checkInBody.Sent / MiB} MiB sent");

                // While they stream, nothing of them is visible.
                await AssertOnlyVersionOneAsync(api, folderId, documentId, originalSha, "while the uploads were streaming");

                server.KillHard();
                Step($"server killed with SIGKILL ({newBody.Sent / MiB} + {checkInBody.Sent / MiB} MiB had been sent)");
                await abandon.CancelAsync();
                foreach (var (what, upload) in new[] { ("The new document's upload", newUpload), ("The check-in", checkIn) })
                {
                    var answer = await AnsweredAsync(upload);
                    Assert.True(answer is null, $"{what} was answered although the server was killed half-way through it: {answer}.");
                }

                // The kill left the unfinished uploads behind (nothing ran to clean them up): what the next start must remove.
                var leftBehind = BlobFiles(data);
                Assert.True(leftBehind.Temporaries.Count(t => t.Length >= OnDiskBeforeKill) >= 2,
                    $"The killed uploads should have left their partial files under blobs/tmp, but it holds {Describe(leftBehind.Temporaries)}.");
                // ledger.dat's version and its original, which the sluice keeps in quarantine for review.
                Assert.Equal(2, leftBehind.Blobs.Length);
                Step($"after the kill: {Describe(leftBehind.Temporaries)} under blobs/tmp, {leftBehind.Blobs.Length} committed blob");
            }

            // 3. Start again on the same data directory: the blob clean-up has run before the server listens.
            restarted = await server.RestartAsync();
            Step($"server restarted on the same data directory at {restarted.BaseUrl}");
            var afterRestart = BlobFiles(data);
            Assert.True(afterRestart.Temporaries.Length == 0,
                $"blobs/tmp must be empty after the restart, but holds {Describe(afterRestart.Temporaries)}.");
            Assert.True(afterRestart.Blobs.All(b => b.Length < OnDiskBeforeKill),
                $"A blob of the interrupted uploads' size was committed: {Describe(afterRestart.Blobs)}.");

            using (var api = await Api.ConnectAsync(restarted, token))
            {
                await AssertOnlyVersionOneAsync(api, folderId, documentId, originalSha, "after the restart");
                var (content, digest) = await api.DownloadAsync(documentId, version: 1);
                Assert.Equal(originalSha, Convert.ToHexStringLower(SHA256.HashData(content)));
                Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(original))}:", digest);
                await AssertBlobsMatchVersionsAsync(api, data, folderId, expectedVersions: 1);
                Step("after the restart: only version 1 of the one document, downloads with the original SHA-256; two blobs, blobs/tmp empty");

                // Uploads work again: the interrupted name is free, the check-out still holds, version 2 goes in.
                var fresh = RandomNumberGenerator.GetBytes((int)(2 * MiB));
                var second = RandomNumberGenerator.GetBytes((int)(2 * MiB));
                var created = await api.UploadAsync(folderId, InterruptedDocument, new ByteArrayContent(fresh), "after restart");
                Assert.Equal(1, created.CurrentVersion);
                var checkedIn = await api.CheckInAsync(documentId, new ByteArrayContent(second));
                Assert.Equal(2, checkedIn.CurrentVersion);
                Assert.Null(checkedIn.Lock);
                Assert.Equal(SHA256.HashData(fresh), SHA256.HashData((await api.DownloadAsync(created.Id, version: 1)).Content));
                Assert.Equal(SHA256.HashData(second), SHA256.HashData((await api.DownloadAsync(documentId, version: 2)).Content));
                Assert.Equal(SHA256.HashData(original), SHA256.HashData((await api.DownloadAsync(documentId, version: 1)).Content));
                await AssertBlobsMatchVersionsAsync(api, data, folderId, expectedVersions: 3);
                Step($"after the restart: '{InterruptedDocument}' uploaded and version 2 checked in; three versions, six blobs (with the quarantined originals), blobs/tmp empty");
            }
        }
        catch
        {
            output.WriteLine("Server output (first run):");
            output.WriteLine(server.Log);
            if (restarted is not null)
            {
                output.WriteLine("Server output (after the restart):");
                output.WriteLine(restarted.Log);
            }
            throw;
        }
        finally
        {
            restarted?.Dispose();
            server.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The README's commands: a user in a group with Write on the tenant's documents, and a token for the API.</summary>
    private static async Task<string> SetUpAsync(string data, string work)
    {
        var passwordFile = Path.Combine(work, User + ".pw");
        await File.WriteAllTextAsync(passwordFile, "Correct-Horse-carol-42");
        await Programs.CustosAsync(data, "user", "add", User, "--password-file", passwordFile);
        await Programs.CustosAsync(data, "group", "add", "accounting");
        await Programs.CustosAsync(data, "group", "add-member", "accounting", User);
        await Programs.CustosAsync(data, "tenant", "add", Tenant);
        await Programs.CustosAsync(data, "tenant", "grant", Tenant, "accounting", "--documents", "write");
        var created = await Programs.CustosAsync(data, "token", "create", "--user", User, "--name", "crash-test",
            "--scope", "documents:read", "--scope", "documents:write", "--json");
        return JsonDocument.Parse(created).RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Waits until both uploads have each written at least <see cref="OnDiskBeforeKill"/> to blobs/tmp.</summary>
    private async Task<FileInfo[]> WaitForUnfinishedUploadsAsync(string data, Task<HttpResponseMessage> newUpload, Task<HttpResponseMessage> checkIn,
        SlowGeneratedContent newBody, SlowGeneratedContent checkInBody)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            foreach (var (what, upload) in new[] { ("The new document's upload", newUpload), ("The check-in", checkIn) })
            {
                if (upload.IsCompleted)
                    Assert.Fail($"{what} ended before the server was killed: {await AnsweredAsync(upload) ?? "the connection failed"}.");
            }
            var temporaries = BlobFiles(data).Temporaries;
            if (temporaries.Count(t => t.Length >= OnDiskBeforeKill) >= 2) return temporaries;
            if (waited.Elapsed > ProgressLimit)
            {
                Assert.Fail($"After {ProgressLimit.TotalSeconds:0} s the uploads had not each written {OnDiskBeforeKill / MiB} MiB to blobs/tmp: " +
                    $"it holds {Describe(temporaries)}; sent {newBody.Sent / MiB} + {checkInBody.Sent / MiB} MiB.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The folder lists the one document only, at version 1, with the original content's checksum.</summary>
    private static async Task AssertOnlyVersionOneAsync(Api api, Guid folderId, Guid documentId, string sha256, string when)
    {
        var listed = await api.ListAsync(folderId);
        Assert.True(listed.Count == 1 && listed[0].Id == documentId,
            $"{when}: the folder should list only '{Document}', but lists {string.Join(", ", listed.Select(d => $"'{d.Name}' v{d.CurrentVersion}"))}.");
        var document = await api.DocumentAsync(documentId);
        Assert.Equal(1, document.CurrentVersion);
        var version = Assert.Single(document.Versions!);
        Assert.Equal(1, version.Number);
        Assert.Equal(sha256, version.Sha256);
    }

    /// <summary>
    /// Exactly two blob files per stored version: the version (encrypted under its own key) and the upload's original, which
    /// the data sluice keeps in quarantine for 14 days after its verdict; and nothing in tmp.
    /// </summary>
    private static async Task AssertBlobsMatchVersionsAsync(Api api, string data, Guid folderId, int expectedVersions)
    {
        var versions = 0;
        foreach (var listed in await api.ListAsync(folderId)) versions += (await api.DocumentAsync(listed.Id)).Versions!.Count;
        Assert.Equal(expectedVersions, versions);
        var files = BlobFiles(data);
        Assert.True(files.Blobs.Length == 2 * versions,
            $"The blob store should hold two blobs per stored version ({versions}), but holds {Describe(files.Blobs)}.");
        Assert.True(files.Temporaries.Length == 0, $"blobs/tmp should be empty, but holds {Describe(files.Temporaries)}.");
    }

    /// <summary>
    /// Committed blobs (blobs/aa/bb/address) and unfinished uploads (blobs/tmp/*), as the file system has them now; the
    /// backup's deletion hold (blobs/held/*) is neither.
    /// </summary>
    private static (FileInfo[] Blobs, FileInfo[] Temporaries) BlobFiles(string data)
    {
        var root = new DirectoryInfo(Path.Combine(data, "blobs"));
        if (!root.Exists) return ([], []);
        var temporaries = Path.Combine(root.FullName, "tmp") + Path.DirectorySeparatorChar;
        var held = Path.Combine(root.FullName, "held") + Path.DirectorySeparatorChar;
        var files = root.GetFiles("*", SearchOption.AllDirectories);
        return (files.Where(f => !f.FullName.StartsWith(temporaries, StringComparison.Ordinal) && !f.FullName.StartsWith(held, StringComparison.Ordinal)).ToArray(),
            files.Where(f => f.FullName.StartsWith(temporaries, StringComparison.Ordinal)).ToArray());
    }

    private static string Describe(FileInfo[] files) =>
        files.Length == 0 ? "no files" : $"{files.Length} file(s): " + string.Join(", ", files.Select(f => $"{f.Name} ({f.Length / (double)MiB:0.0} MiB)"));

    /// <summary>Null when the request failed on the connection (as it must when the server dies); otherwise what the server answered.</summary>
    private static async Task<string?> AnsweredAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request.WaitAsync(TimeSpan.FromSeconds(30));
            return $"HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");

    private sealed record FolderDto(Guid Id, Guid? ParentId, string Name);

    private sealed record LockDto(string Holder, DateTimeOffset Since, bool Mine);

    private sealed record VersionDto(int Number, long Size, string Sha256);

    private sealed record DocumentDto(Guid Id, Guid FolderId, string Name, int CurrentVersion, LockDto? Lock, IReadOnlyList<VersionDto>? Versions);

    private sealed record TenantDto(Guid Id, string Name);

    /// <summary>The documents API of one tenant with a bearer token, trusting exactly the server's self-signed certificate.</summary>
    private sealed class Api : IDisposable
    {
        private readonly HttpClient _http;
        private readonly string _documents;

        private Api(HttpClient http, string documents) => (_http, _documents) = (http, documents);

        public static async Task<Api> ConnectAsync(CustosServerProcess server, string token)
        {
            var pinned = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(server.DataDirectory, "tls", "cert.pem"));
            var handler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned.RawData) },
            };
            var http = new HttpClient(handler) { BaseAddress = server.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var tenants = await http.GetFromJsonAsync<List<TenantDto>>("api/v1/tenants", timeout.Token);
                var tenant = Assert.Single(tenants!, t => t.Name == Tenant);
                return new Api(http, $"api/v1/tenants/{tenant.Id}/documents");
            }
            catch
            {
                http.Dispose();
                throw;
            }
        }

        public async Task<Guid> CreateFolderAsync(string name) =>
            (await ReadAsync<FolderDto>(await _http.PostAsJsonAsync($"{_documents}/folders", new { name }), "create folder")).Id;

        public async Task<List<DocumentDto>> ListAsync(Guid folderId) =>
            await ReadAsync<List<DocumentDto>>(await _http.GetAsync($"{_documents}?folder={folderId}"), "list documents");

        public async Task<DocumentDto> DocumentAsync(Guid id) => await ReadAsync<DocumentDto>(await _http.GetAsync($"{_documents}/{id}"), "get document");

        public async Task CheckOutAsync(Guid id) => await ReadAsync<LockDto>(await _http.PostAsync($"{_documents}/{id}/checkout", null), "check out");

        public async Task<DocumentDto> UploadAsync(Guid folderId, string name, HttpContent body, string comment) =>
            await ReadAsync<DocumentDto>(await SendUploadAsync(folderId, name, body, CancellationToken.None, comment), "upload");

        public async Task<DocumentDto> CheckInAsync(Guid id, HttpContent body) =>
            await ReadAsync<DocumentDto>(await SendCheckInAsync(id, body, CancellationToken.None), "check in");

        /// <summary>Returns once the response headers are in: for a streaming body, only after the server read all of it (or failed).</summary>
        public Task<HttpResponseMessage> SendUploadAsync(Guid folderId, string name, HttpContent body, CancellationToken ct, string comment = "large")
        {
            body.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
            var request = new HttpRequestMessage(HttpMethod.Post, $"{_documents}?folder={folderId}&comment={Uri.EscapeDataString(comment)}") { Content = body };
            request.Headers.Add("X-Custos-File-Name", Uri.EscapeDataString(name));
            return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }

        public Task<HttpResponseMessage> SendCheckInAsync(Guid id, HttpContent body, CancellationToken ct)
        {
            body.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
            var request = new HttpRequestMessage(HttpMethod.Post, $"{_documents}/{id}/versions?comment=v2") { Content = body };
            return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }

        public async Task<(byte[] Content, string? Digest)> DownloadAsync(Guid id, int version)
        {
            using var response = await _http.GetAsync($"{_documents}/{id}/content?version={version}");
            Assert.True(response.IsSuccessStatusCode, $"download v{version}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var content = await response.Content.ReadAsByteArrayAsync();
            return (content, response.Headers.TryGetValues("Repr-Digest", out var digest) ? digest.Single() : null);
        }

        private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what)
        {
            using (response)
            {
                Assert.True(response.IsSuccessStatusCode, $"{what}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return (await response.Content.ReadFromJsonAsync<T>())!;
            }
        }

        public void Dispose() => _http.Dispose();
    }

    /// <summary>
    /// A body of a given length generated on the fly (never held in memory): the first part as fast as the connection
    /// takes it, then 64 KiB every 100 ms, so it is still streaming when the test kills the server.
    /// </summary>
    private sealed class SlowGeneratedContent(long length, long fastBytes, int seed) : HttpContent
    {
        private const int Pattern = 1 << 20;
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var pattern = new byte[Pattern];
            new Random(seed).NextBytes(pattern);
            long sent = 0;
            while (sent < _length)
            {
                var fast = sent < fastBytes;
                var offset = (int)(sent % Pattern);
                var count = (int)Math.Min(Math.Min(_length - sent, fast ? 256 * 1024 : 64 * 1024), Pattern - offset);
                await stream.WriteAsync(pattern.AsMemory(offset, count), cancellationToken);
                sent += count;
                Interlocked.Exchange(ref _sent, sent);
                if (!fast) await Task.Delay(100, cancellationToken);
            }
        }

        private readonly long _length = length;

        protected override bool TryComputeLength(out long computed)
        {
            computed = _length;
            return true;
        }
    }
}
