using Custos.Core.Sluice.Antivirus;

namespace Custos.Tests.Sluice.Antivirus;

public sealed class ClamdOptionsTests
{
    [Theory]
    [InlineData("unix:/run/clamav/clamd.ctl", "unix:/run/clamav/clamd.ctl")]
    [InlineData("  unix:/tmp/c.sock ", "unix:/tmp/c.sock")]
    [InlineData("tcp:127.0.0.1:3310", "tcp:127.0.0.1:3310")]
    [InlineData("TCP:clamav.internal:3310", "tcp:clamav.internal:3310")]
    [InlineData("tcp:[::1]:3310", "tcp:[::1]:3310")]
    [InlineData("tcp:localhost:65535", "tcp:localhost:65535")]
    public void Parse_ValidAddress_KeepsItWithDefaultTimeouts(string input, string expected)
    {
        var options = ClamdOptions.Parse(input);

        Assert.Equal(expected, options.Address);
        Assert.Equal(new ClamdOptions().ScanTimeout, options.ScanTimeout);
        Assert.Equal(new ClamdOptions().IdleTimeout, options.IdleTimeout);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("/run/clamav/clamd.ctl", "no known scheme")]
    [InlineData("http://127.0.0.1:3310", "no known scheme")]
    [InlineData("unix:", "absolute socket path")]
    [InlineData("unix:clamd.sock", "absolute socket path")]
    [InlineData("tcp:127.0.0.1", "no port")]
    [InlineData("tcp:127.0.0.1:", "port")]
    [InlineData("tcp:127.0.0.1:0", "1 to 65535")]
    [InlineData("tcp:127.0.0.1:65536", "1 to 65535")]
    [InlineData("tcp:127.0.0.1:-1", "1 to 65535")]
    [InlineData("tcp:127.0.0.1:33 10", "1 to 65535")]
    [InlineData("tcp::3310", "no host")]
    [InlineData("tcp:::1:3310", "brackets")]
    [InlineData("tcp:[::1]", "port after the bracketed")]
    [InlineData("tcp:[127.0.0.1]:3310", "not an IPv6 address")]
    [InlineData("tcp:bad_host!:3310", "neither an IP address nor a host name")]
    public void Parse_InvalidAddress_ThrowsWithReason(string input, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ClamdOptions.Parse(input));

        Assert.Contains(reason, e.Message);
        Assert.Equal("address", e.ParamName);
    }

    [Fact]
    public void Parse_UnixPathLongerThanSocketAddress_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => ClamdOptions.Parse("unix:/" + new string('a', 120)));

        Assert.Contains("107 bytes", e.Message);
    }
}
