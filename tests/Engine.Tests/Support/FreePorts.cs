using System.Net;
using System.Net.Sockets;

namespace Engine.Tests.Support;

public static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];

    /// <summary>A loopback port nothing listens on now, never handed out twice in this test run.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
