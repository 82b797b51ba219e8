namespace Custos.Core.Sluice.Antivirus;

/// <summary>
/// Where clamd listens and how long the client waits for it. <see cref="Address"/> is <c>unix:/absolute/path</c> or
/// <c>tcp:host:port</c> (an IPv6 host in brackets: <c>tcp:[::1]:3310</c>).
/// </summary>
public sealed record ClamdOptions
{
    public string Address { get; init; } = "unix:/run/clamav/clamd.ctl";

    /// <summary>Opening the connection (also for PING and VERSION).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole scan, sending included: a clamd that stalls longer than this makes the scan Unavailable.</summary>
    public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// No progress on the socket for this long (a write that does not drain, a reply that does not come) makes the scan
    /// Unavailable. clamd sends nothing while it scans, so its MaxScanTime should stay below this.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Options for <paramref name="address"/> with the default timeouts.</summary>
    /// <exception cref="ArgumentException">The address is not <c>unix:/absolute/path</c> or <c>tcp:host:port</c>.</exception>
    public static ClamdOptions Parse(string address)
    {
        var endpoint = ClamdEndpoint.Parse(address);
        return new ClamdOptions { Address = endpoint.Address };
    }
}
