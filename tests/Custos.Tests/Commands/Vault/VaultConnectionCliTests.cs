using Custos.Tests.Infrastructure;

namespace Custos.Tests.Commands.Vault;

public sealed class VaultConnectionCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    private string Server => vault.Server.HttpsUrl.ToString();
    private string Certificate => Path.Combine(vault.Database.DataDirectory, "tls", "cert.pem");

    [Fact]
    public async Task WrongToken_ExitsOneWithAClearMessage()
    {
        var token = vault.WriteFile("wrong.token", "custos_pat_not-a-real-token");

        var result = await Cli.RunAsync("vault", "ls", "--server", Server, "--token-file", token, "--data", vault.Database.DataDirectory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did not accept the token", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task UntrustedCertificate_ExitsOneWithAMessageAboutIt()
    {
        var elsewhere = Path.Combine(vault.WorkDirectory, "no-such-data");

        var result = await Cli.RunAsync("vault", "ls", "--server", Server, "--token-file", TokenFile(), "--data", elsewhere);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("certificate", result.Error);
        Assert.Contains("--ca-cert", result.Error);
    }

    [Fact]
    public async Task CaCert_TrustsTheServersOwnCertificate()
    {
        var elsewhere = Path.Combine(vault.WorkDirectory, "no-such-data");

        var result = await Cli.RunAsync("vault", "ls", "--server", Server, "--token-file", TokenFile(), "--data", elsewhere, "--ca-cert", Certificate);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Servers/", result.Output);
    }

    [Fact]
    public async Task CaCert_TrustsAPrivateCa_AndNoOtherOne()
    {
        string Pem(string name) => Path.Combine(vault.WorkDirectory, name);
        TestPki.Write(Pem("ca.pem"), Pem("chain.pem"), Pem("key.pem"), validDays: 30);
        TestPki.Write(Pem("other-ca.pem"), Pem("other-chain.pem"), Pem("other-key.pem"), validDays: 30, caName: "Other CA");
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db, o => o with { CertificatePath = Pem("chain.pem"), CertificateKeyPath = Pem("key.pem") });
        Assert.Equal(0, (await Cli.RunAsync(["user", "add", "frank", "--password-file", vault.WriteFile("frank.pw", "Correct-Horse-42-frank"),
            .. Cli.DatabaseArgs(db)])).ExitCode);
        var created = await Cli.RunAsync(["token", "create", "--user", "frank", "--scope", "vault:read", .. Cli.DatabaseArgs(db)]);
        var token = vault.WriteFile("frank.token", created.Output.Split('\n')[0]);
        Task<CliResult> Generate(params string[] trust) =>
            Cli.RunAsync(["vault", "generate", "--server", server.HttpsUrl.ToString(), "--token-file", token, .. trust]);

        var trusted = await Generate("--ca-cert", Pem("ca.pem"));
        var otherCa = await Generate("--ca-cert", Pem("other-ca.pem"));
        var none = await Generate("--data", db.DataDirectory);

        Assert.True(trusted.ExitCode == 0, trusted.Error);
        Assert.Equal(1, otherCa.ExitCode);
        Assert.Contains("other-ca.pem", otherCa.Error);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("certificate", none.Error);
        Assert.Equal("", otherCa.Output + none.Output);
    }

    [Fact]
    public async Task MissingTokenFile_Fails_AndPlainHttpIsRefused()
    {
        var noToken = await Cli.RunAsync("vault", "ls", "--server", Server, "--token-file", Path.Combine(vault.WorkDirectory, "missing.token"));
        var http = await Cli.RunAsync("vault", "ls", "--server", "http://localhost:1", "--token-file", TokenFile());

        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("missing.token", noToken.Error);
        Assert.Equal(2, http.ExitCode);
        Assert.Contains("https://", http.Error);
    }

    [Fact]
    public async Task TenantIsFoundByName_AndAnUnknownOneIsNamed()
    {
        var unknown = await Cli.RunAsync("vault", "ls", "--server", Server, "--token-file", TokenFile(), "--data", vault.Database.DataDirectory,
            "--tenant", "Globex");
        var byCase = await Cli.RunAsync("vault", "ls", "--server", Server, "--token-file", TokenFile(), "--data", vault.Database.DataDirectory,
            "--tenant", "acme");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("Acme", unknown.Error);
        Assert.True(byCase.ExitCode == 0, byCase.Error);
    }

    private string TokenFile() => vault.Connection("carol")[3];
}
