using System.Net;
using System.Net.Sockets;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Commands;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("serve", "--no-such-flag")]
    [InlineData("audit")]
    [InlineData("audit", "verify", "--data")]
    [InlineData("serve", "--https-port", "not-a-number")]
    [InlineData("serve", "--https-port", "70000")]
    [InlineData("serve", "--bind", "somewhere")]
    public async Task UnknownCommandOrBadOption_ExitsTwoWithUsageHint(params string[] args)
    {
        var result = await Cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("custos --help", result.Error);
    }

    [Fact]
    public async Task Help_ExitsZero()
    {
        var result = await Cli.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("serve", result.Output);
    }

    [Fact]
    public async Task Serve_PortOccupied_ExitsOneWithClearMessage()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var result = await Cli.RunAsync("serve", "--data", db.DataDirectory, "--https-port", port.ToString(), "--http-port", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"port {port}", result.Error);
        Assert.Contains("in use", result.Error);
    }

    [Fact]
    public async Task Serve_DataDirectoryNotWritable_ExitsOneWithClearMessage()
    {
        // Root may write anywhere, so "not writable" is made real by a path below a regular file.
        var blockerFile = Path.GetTempFileName();
        try
        {
            var result = await Cli.RunAsync("serve", "--data", Path.Combine(blockerFile, "data"), "--https-port", FreePort.Next().ToString());

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("not writable", result.Error);
        }
        finally
        {
            File.Delete(blockerFile);
        }
    }

    [Fact]
    public async Task Serve_UnknownDatabase_ExitsOneWithClearMessage()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);

        var result = await Cli.RunAsync("serve", "--data", db.DataDirectory, "--db", "mysql://somewhere", "--https-port", FreePort.Next().ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown database", result.Error);
    }

    [Fact]
    public async Task AuditVerify_NoDatabaseYet_ExitsOneWithoutCreatingOne()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);

        var result = await Cli.RunAsync("audit", "verify", "--data", db.DataDirectory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("custos serve", result.Error);
        Assert.False(File.Exists(Path.Combine(db.DataDirectory, "custos.db")));
    }
}
