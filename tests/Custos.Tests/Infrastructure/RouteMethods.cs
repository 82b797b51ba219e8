namespace Custos.Tests.Infrastructure;

/// <summary>The methods of a route that route-walking tests send.</summary>
public static class RouteMethods
{
    /// <summary>
    /// All of them but CONNECT where the route also takes GET: CONNECT there is the HTTP/2 form of a WebSocket handshake
    /// (RFC 8441) on the same endpoint, which HTTP/1.1 clients cannot send, and its GET form is checked.
    /// </summary>
    public static IEnumerable<string> Sendable(IReadOnlyList<string> methods) =>
        methods.Where(m => m != "CONNECT" || !methods.Contains("GET"));
}
