using System.Net;
using System.Net.Sockets;

namespace Engine.Tests.Support;

/// <summary>
/// Loopback ports for the engines, clusters and databases the tests start. They are taken below the kernel's
/// ephemeral range: a port inside it could be given, between this check and the process's bind, as the local port of
/// some outgoing connection (a silo's to PostgreSQL, a test's to a front-end). None is handed out twice in a run.
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private static readonly int End = EphemeralLow();
    private static readonly Lock Gate = new();

    // Start somewhere in the lower half, so that two test runs on one machine rarely probe the same ports.
    private static int _next = First + Random.Shared.Next(0, (End - First) / 2);

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int Next() => Block(1);

    /// <summary>The first of <paramref name="count"/> consecutive loopback ports nothing listens on now.</summary>
    public static int Block(int count)
    {
        lock (Gate)
        {
            for (var tried = 0; tried < End - First; tried += count)
            {
                if (_next + count > End)
                {
                    _next = First;
                }

                var first = _next;
                _next += count;
                if (Enumerable.Range(first, count).All(IsFree))
                {
                    return first;
                }
            }

            throw new InvalidOperationException($"No {count} consecutive free loopback ports between {First} and {End}.");
        }
    }

    /// <summary>The lowest port the kernel hands to outgoing connections (Linux's default is 32768).</summary>
    private static int EphemeralLow()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > First + 1000
            ? low
            : 32768;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
