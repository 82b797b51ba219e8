using System.Diagnostics;
using Custos.Core.Sluice.Antivirus;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Sluice.Antivirus;

/// <summary>
/// A clamd that is missing, dies, stalls or answers oddly must give Unavailable (the file stays in quarantine), never
/// Clean and never an exception.
/// </summary>
public sealed class ClamdClientFailureTests
{
    private const long MiB = 1024 * 1024;
    private static readonly byte[] Harmless = "harmless text"u8.ToArray();

    [Fact]
    public async Task Scan_ClamdKilledMidStream_IsUnavailableQuickly()
    {
        await using var server = new ClamdTestServer(new ClamdTestServerOptions { StreamMaxLength = "1000M", MaxFileSize = "1000M", MaxScanSize = "1000M" });
        await server.StartAsync();
        var client = new ClamdClient(ClamdOptions.Parse(server.Address));
        var killedAt = 0L;
        var slow = new GeneratedStream(500 * MiB, pause: TimeSpan.FromMilliseconds(5), afterRead: sent =>
        {
            if (sent < MiB || killedAt != 0) return;
            killedAt = sent;
            server.Kill();
        });

        var clock = Stopwatch.StartNew();
        var result = await client.ScanAsync(slow);

        Assert.NotEqual(0, killedAt);
        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Engine);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        // The client stopped reading the file soon after clamd was gone.
        Assert.True(slow.Position < killedAt + 10 * MiB, $"read {slow.Position} bytes, clamd killed at {killedAt}");
    }

    [Fact]
    public async Task Scan_SocketPathMissing_IsUnavailableQuickly()
    {
        var client = new ClamdClient(ClamdOptions.Parse($"unix:/tmp/custos-no-such-dir-{Guid.NewGuid():N}/clamd.sock"));

        var clock = Stopwatch.StartNew();
        var result = await client.ScanAsync(new MemoryStream(Harmless));

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Signature);
        Assert.Null(result.Engine);
        Assert.Contains("cannot be reached", result.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Scan_TcpConnectionRefused_IsUnavailableQuickly()
    {
        var client = new ClamdClient(ClamdOptions.Parse($"tcp:127.0.0.1:{FreePort.Next()}"));

        var clock = Stopwatch.StartNew();
        var result = await client.ScanAsync(new MemoryStream(Harmless));

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Contains("cannot be reached", result.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Scan_ServerNeverAnswers_IsUnavailableAfterIdleTimeout()
    {
        await using var fake = FakeClamd.NeverAnswering();
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address) with { IdleTimeout = TimeSpan.FromSeconds(1) });

        var clock = Stopwatch.StartNew();
        var result = await client.ScanAsync(new MemoryStream(Harmless));

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Contains("no answer", result.Detail);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Scan_ServerNeverReads_IsUnavailableAfterIdleTimeout()
    {
        await using var fake = FakeClamd.NeverReading();
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address) with { IdleTimeout = TimeSpan.FromSeconds(1) });

        // Far more than a socket buffer holds, so a write stalls.
        var clock = Stopwatch.StartNew();
        var result = await client.ScanAsync(new GeneratedStream(64 * MiB));

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Contains("took no data", result.Detail);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Scan_CallerCancelsWhileServerStalls_ThrowsOperationCanceled()
    {
        await using var fake = FakeClamd.NeverAnswering();
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ScanAsync(new MemoryStream(Harmless), cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Scan_AlreadyCancelled_ThrowsOperationCanceled()
    {
        var client = new ClamdClient(ClamdOptions.Parse("unix:/run/clamav/clamd.ctl"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ScanAsync(new MemoryStream(Harmless), new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData("stream: OK", ScanOutcome.Clean, null)]
    [InlineData("stream: Win.Test.Sample-1 FOUND", ScanOutcome.Infected, "Win.Test.Sample-1")]
    [InlineData("stream: Heuristics.Limits.Exceeded.MaxScanSize FOUND", ScanOutcome.LimitExceeded, null)]
    [InlineData("stream: Heuristics.Limits.Exceeded.MaxRecursion FOUND", ScanOutcome.LimitExceeded, null)]
    [InlineData("stream: Heuristics.Limits.Exceeded.MaxScanTime FOUND", ScanOutcome.LimitExceeded, null)]
    [InlineData("INSTREAM size limit exceeded. ERROR", ScanOutcome.LimitExceeded, null)]
    [InlineData("stream: Can't allocate memory ERROR", ScanOutcome.Unavailable, null)]
    [InlineData("COMMAND READ TIMED OUT", ScanOutcome.Unavailable, null)]
    [InlineData("", ScanOutcome.Unavailable, null)]
    public async Task Scan_Reply_MapsToOutcome(string reply, ScanOutcome expected, string? signature)
    {
        await using var fake = FakeClamd.Replying(reply);
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address));

        var result = await client.ScanAsync(new MemoryStream(Harmless));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(signature, result.Signature);
        Assert.Equal(expected == ScanOutcome.Unavailable ? null : FakeClamd.FakeVersion, result.Engine);
    }

    [Fact]
    public async Task Scan_ErrorReply_IsUnavailableWithClamdsMessage()
    {
        await using var fake = FakeClamd.Replying("stream: Can't allocate memory ERROR");
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address));

        var result = await client.ScanAsync(new MemoryStream(Harmless));

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Contains("Can't allocate memory ERROR", result.Detail);
    }

    [Fact]
    public async Task Scan_ReplyWithControlCharacters_DetailIsPrintable()
    {
        await using var fake = FakeClamd.Replying("stream: \u001b[31mboom\r ERROR");
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address));

        var result = await client.ScanAsync(new MemoryStream(Harmless));

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.DoesNotContain(result.Detail, c => char.IsControl(c));
    }

    [Fact]
    public async Task VersionAndPing_Unavailable_AreNullAndFalse()
    {
        var client = new ClamdClient(ClamdOptions.Parse($"unix:/tmp/custos-no-such-dir-{Guid.NewGuid():N}/clamd.sock"));

        Assert.Null(await client.VersionAsync());
        Assert.False(await client.PingAsync());
    }

    [Fact]
    public async Task VersionAndPing_ServerNeverAnswers_AreNullAndFalseAfterIdleTimeout()
    {
        await using var fake = FakeClamd.NeverAnswering();
        var client = new ClamdClient(ClamdOptions.Parse(fake.Address) with { IdleTimeout = TimeSpan.FromMilliseconds(500) });

        var clock = Stopwatch.StartNew();
        Assert.Null(await client.VersionAsync());
        Assert.False(await client.PingAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Constructor_NonPositiveTimeout_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClamdClient(new ClamdOptions { IdleTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClamdClient(new ClamdOptions { ScanTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClamdClient(new ClamdOptions { ConnectTimeout = TimeSpan.Zero }));
    }

    [Fact]
    public void Constructor_InvalidAddress_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ClamdClient(new ClamdOptions { Address = "clamd.sock" }));
    }
}
