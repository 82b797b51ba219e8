using System.Net;
using System.Net.Sockets;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// Loopback ports for test servers. The OS may hand the same ephemeral port out again right after it was released, so
/// ports given out once in this run are never given out again (two listeners of one server once got the same port).
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> Issued = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Issued)
            {
                if (Issued.Add(port)) return port;
            }
        }
    }
}
