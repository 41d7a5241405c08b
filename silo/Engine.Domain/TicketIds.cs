using System.Security.Cryptography;

namespace Engine.Domain;

/// <summary>
/// Engine-made ticket ids: "T" + 26 Crockford base-32 characters, a 48-bit millisecond timestamp then
/// 80 random bits (the ULID layout). Ids sort by creation time as plain strings, which keyset paging relies on;
/// within one millisecond the generator increments, so ids made by one process are strictly increasing.
/// </summary>
public sealed class TicketIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 27;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _lastMs;
    private UInt128 _lastRandom;

    public TicketIds(TimeProvider time) => _time = time;

    public string Next()
    {
        var ms = _time.GetUtcNow().ToUnixTimeMilliseconds();
        UInt128 random;
        lock (_lock)
        {
            if (ms <= _lastMs)
            {
                ms = _lastMs;
                random = _lastRandom + 1;
            }
            else
            {
                Span<byte> bytes = stackalloc byte[16];
                RandomNumberGenerator.Fill(bytes);
                bytes[..6].Clear();
                // Leave headroom so increments within a millisecond never overflow 80 bits.
                bytes[6] &= 0x7F;
                random = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
            }

            _lastMs = ms;
            _lastRandom = random;
        }

        var value = ((UInt128)(ulong)ms << 80) | random;
        return string.Create(Length, value, static (chars, v) =>
        {
            chars[0] = 'T';
            for (var i = Length - 1; i >= 1; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }

    public static bool LooksValid(string? id)
    {
        if (id is null || id.Length != Length || id[0] != 'T')
        {
            return false;
        }

        for (var i = 1; i < id.Length; i++)
        {
            if (!Alphabet.Contains(id[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
