using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Custos.Core.Sluice.Antivirus;

/// <summary>A validated clamd address and the socket end point it names.</summary>
internal sealed record ClamdEndpoint(string Address, EndPoint EndPoint)
{
    private const string Expected = "expected unix:/absolute/path/to/clamd.sock or tcp:host:port";

    // sockaddr_un holds 108 bytes including the terminating NUL.
    private const int MaxUnixPathBytes = 107;

    public bool IsUnix => EndPoint is UnixDomainSocketEndPoint;

    public Socket NewSocket() => IsUnix
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public static ClamdEndpoint Parse(string? address)
    {
        var text = address?.Trim() ?? "";
        if (text.Length == 0) throw Invalid($"The clamd address is empty; {Expected}.");
        if (text.StartsWith("unix:", StringComparison.OrdinalIgnoreCase)) return ParseUnix(text, text[5..]);
        if (text.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase)) return ParseTcp(text, text[4..]);
        throw Invalid($"The clamd address '{text}' has no known scheme; {Expected}.");
    }

    private static ClamdEndpoint ParseUnix(string text, string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Contains('\0'))
            throw Invalid($"The clamd address '{text}' needs an absolute socket path; {Expected}.");
        if (Encoding.UTF8.GetByteCount(path) > MaxUnixPathBytes)
            throw Invalid($"The clamd socket path in '{text}' is longer than the {MaxUnixPathBytes} bytes a Unix socket address holds.");
        return new ClamdEndpoint("unix:" + path, new UnixDomainSocketEndPoint(path));
    }

    private static ClamdEndpoint ParseTcp(string text, string hostAndPort)
    {
        string host, port;
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']');
            if (close < 0 || close + 1 >= hostAndPort.Length || hostAndPort[close + 1] != ':')
                throw Invalid($"The clamd address '{text}' needs a port after the bracketed IPv6 address, as in tcp:[::1]:3310.");
            host = hostAndPort[1..close];
            port = hostAndPort[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                throw Invalid($"The clamd address '{text}' has '{host}' in brackets, which is not an IPv6 address.");
        }
        else
        {
            var colon = hostAndPort.LastIndexOf(':');
            if (colon < 0) throw Invalid($"The clamd address '{text}' has no port; {Expected}.");
            host = hostAndPort[..colon];
            port = hostAndPort[(colon + 1)..];
            if (host.Contains(':'))
                throw Invalid($"The clamd address '{text}' has an IPv6 address without brackets; write tcp:[{host}]:{port}.");
        }

        if (host.Length == 0) throw Invalid($"The clamd address '{text}' has no host; {Expected}.");
        if (port.Length == 0 || !port.All(char.IsAsciiDigit)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw Invalid($"The clamd address '{text}' has '{port}' as its port; a port is a number from 1 to 65535.");

        // IPAddress.TryParse also takes shorthands such as "1" for 0.0.0.1; only the canonical forms count as addresses.
        if (IPAddress.TryParse(host, out var ip) && (ip.AddressFamily == AddressFamily.InterNetworkV6 || ip.ToString() == host))
        {
            var shown = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
            return new ClamdEndpoint($"tcp:{shown}:{number}", new IPEndPoint(ip, number));
        }
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
            throw Invalid($"The clamd address '{text}' has '{host}' as its host, which is neither an IP address nor a host name.");
        return new ClamdEndpoint($"tcp:{host}:{number}", new DnsEndPoint(host, number));
    }

    private static ArgumentException Invalid(string message) => new(message, "address");
}
