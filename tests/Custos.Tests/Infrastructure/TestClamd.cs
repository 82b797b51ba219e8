namespace Custos.Tests.Infrastructure;

/// <summary>
/// One real clamd for the whole test run (every test server's sluice asks it): started on first use with the test
/// signatures, stopped when the process exits. Tests that stop or starve clamd start one of their own.
/// </summary>
public static class TestClamd
{
    private static readonly Lazy<Task<ClamdTestServer>> Shared = new(StartAsync);

    /// <summary>Limits high enough for the suite's largest uploads (files beyond them go to review, which tests of their own show).</summary>
    public static readonly ClamdTestServerOptions Options = new() { StreamMaxLength = "300M", MaxFileSize = "300M", MaxScanSize = "300M" };

    public static async Task<string> AddressAsync() => (await Shared.Value).Address;

    private static async Task<ClamdTestServer> StartAsync()
    {
        var server = new ClamdTestServer(Options);
        await server.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }
}
