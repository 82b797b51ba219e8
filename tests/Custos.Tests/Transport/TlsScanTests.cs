using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Custos.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Custos.Tests.Transport;

/// <summary>
/// Runs Debian's testssl against the running server and fails on any finding of severity MEDIUM or higher (its exit
/// code counts errors, not findings, so the JSON report is read). The server gets a certificate from a throwaway CA
/// that testssl is told to trust, so the scan judges the server's TLS, not the absence of a public CA.
/// </summary>
public sealed class TlsScanTests(ITestOutputHelper output)
{
    private static readonly string[] Failing = ["MEDIUM", "HIGH", "CRITICAL"];

    [Fact]
    public async Task Testssl_Scan_NoFindingMediumOrHigher()
    {
        Assert.True(File.Exists("/usr/bin/testssl"), "testssl is missing: ./test.sh installs Debian's testssl.sh package.");
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var pki = Directory.CreateTempSubdirectory("custos-pki-");
        try
        {
            var (ca, cert, key) = WriteTestPki(pki.FullName);
            await using var server = await TestServer.StartAsync(db, o => o with { CertificatePath = cert, CertificateKeyPath = key });
            var report = Path.Combine(pki.FullName, "testssl.json");

            var run = await RunAsync("testssl", ["-p", "-S", "-P", "-h", "-U", "-s", "--nodns", "none", "--warnings", "batch", "--quiet",
                "--color", "0", "--add-ca", ca, "--ip", "127.0.0.1", "--jsonfile", report, $"https://localhost:{server.Options.HttpsPort}/"]);
            output.WriteLine(run);

            var findings = JsonDocument.Parse(await File.ReadAllTextAsync(report)).RootElement.EnumerateArray()
                .Select(e => (Id: e.GetProperty("id").GetString()!, Severity: e.GetProperty("severity").GetString()!, Finding: e.GetProperty("finding").GetString()!))
                .ToList();
            Assert.True(findings.Count > 50, $"testssl reported only {findings.Count} entries; the scan did not run through.");
            var bad = findings.Where(f => Failing.Contains(f.Severity)).Select(f => $"{f.Severity} {f.Id}: {f.Finding}").ToList();
            Assert.True(bad.Count == 0, "testssl findings:\n" + string.Join("\n", bad));

            string Finding(string id) => findings.Single(f => f.Id == id).Finding;
            Assert.Equal("not offered", Finding("TLS1"));
            Assert.Equal("not offered", Finding("TLS1_1"));
            Assert.StartsWith("offered", Finding("TLS1_2"));
            Assert.StartsWith("offered", Finding("TLS1_3"));
            Assert.Equal("not offered", Finding("cipherlist_AVERAGE"));
            Assert.Equal("not offered", Finding("cipherlist_3DES_IDEA"));
        }
        finally
        {
            pki.Delete(recursive: true);
        }
    }

    private static (string Ca, string Cert, string Key) WriteTestPki(string dir)
    {
        var paths = (Path.Combine(dir, "ca.pem"), Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"));
        // 90 days: testssl flags certificates that expire within 30 days, or live longer than 398.
        TestPki.Write(paths.Item1, paths.Item2, paths.Item3, validDays: 90);
        return paths;
    }

    private static async Task<string> RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return await stdout + await stderr;
    }
}
