using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Engine.Domain;

/// <summary>
/// Which closed tickets get a callback. Deterministic, so that it can be audited: the same ticket id and share
/// always give the same answer (the first 8 bytes of SHA-256 of the id, as a fraction of 2^64, below the share).
/// </summary>
public static class CallbackSampling
{
    public static bool IsSampled(string ticketId, double share)
    {
        if (share <= 0)
        {
            return false;
        }

        if (share >= 1)
        {
            return true;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(ticketId), hash);
        var fraction = BinaryPrimitives.ReadUInt64BigEndian(hash) / 18446744073709551616.0;
        return fraction < share;
    }
}
