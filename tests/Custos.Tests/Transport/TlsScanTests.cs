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

    /// <summary>A CA and a 90-day server certificate for localhost, as an operator's internal CA would issue it.</summary>
    private static (string Ca, string Cert, string Key) WriteTestPki(string dir)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Custos Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caCert = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, true, false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://localhost/custos-test-ca.crl"]));
        using var cert = request.Create(caCert, now.AddDays(-1), now.AddDays(90), RandomNumberGenerator.GetBytes(16));

        var paths = (Path.Combine(dir, "ca.pem"), Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"));
        File.WriteAllText(paths.Item1, caCert.ExportCertificatePem());
        File.WriteAllText(paths.Item2, cert.ExportCertificatePem() + "\n" + caCert.ExportCertificatePem());
        File.WriteAllText(paths.Item3, serverKey.ExportPkcs8PrivateKeyPem());
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
