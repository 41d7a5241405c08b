using Google.Protobuf.Reflection;

namespace Engine.Tests.Support;

/// <summary>
/// Request payloads that are not (quite) protobuf for a message type: broken varints, lengths past the end, wrong wire
/// types for its own field numbers, invalid UTF-8 in its strings, groups nested past the parser's limit, a valid
/// request with garbage after it, and seeded random bytes. Deterministic for a given seed.
/// </summary>
public static class FuzzBytes
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLength = 2;
    private const int WireStartGroup = 3;
    private const int WireEndGroup = 4;
    private const int WireFixed32 = 5;

    /// <summary>Not UTF-8: a byte that never starts a character, an encoded surrogate (U+D800), an overlong '/', a
    /// truncated sequence.</summary>
    private static readonly (string Name, byte[] Bytes)[] InvalidUtf8 =
    [
        ("0xFF", [0xFF]),
        ("encoded surrogate", [0x61, 0xED, 0xA0, 0x80]),
        ("overlong", [0xC0, 0xAF]),
        ("truncated", [0xE6, 0xA1]),
    ];

    public static IEnumerable<(string What, byte[] Payload)> For(MessageDescriptor type, byte[] seed, int randomSeed, int randomCount)
    {
        yield return ("empty message", []);
        yield return ("field number 0", [0x00, 0x01]);
        yield return ("truncated tag", [0x80]);
        yield return ("varint of 11 bytes", [0x08, .. Enumerable.Repeat((byte)0xFF, 10), 0x01]);
        yield return ("wire type 6", [Tag(1, 6), 0x00]);
        yield return ("wire type 7", [Tag(1, 7), 0x00]);
        yield return ("groups nested 200 deep", [.. Enumerable.Repeat(Tag(15, WireStartGroup), 200), .. Enumerable.Repeat(Tag(15, WireEndGroup), 200)]);
        yield return ("unmatched end group", [Tag(15, WireEndGroup)]);
        yield return ("unterminated group", [Tag(15, WireStartGroup), Tag(1, WireVarint), 0x01]);
        yield return ("valid request then 0xFF 0xFF", [.. seed, 0xFF, 0xFF]);
        yield return ("valid request then a length past the end", [.. seed, Tag(1, WireLength), 0x7F, 0x01]);
        if (seed.Length > 1)
        {
            yield return ("valid request cut in half", seed[..(seed.Length / 2)]);
            yield return ("valid request without its last byte", seed[..^1]);
        }

        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            foreach (var (what, bytes) in ForField(field))
            {
                yield return ($"{field.Name}: {what}", bytes);
            }

            if (field.FieldType == FieldType.Message && !IsWellKnown(field.MessageType))
            {
                foreach (var inner in field.MessageType.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.String))
                {
                    foreach (var (name, bad) in InvalidUtf8)
                    {
                        var nested = Concat([Tag(inner.FieldNumber, WireLength)], Varint((ulong)bad.Length), bad);
                        yield return ($"{field.Name}.{inner.Name}: invalid UTF-8 ({name})", Concat([Tag(field.FieldNumber, WireLength)], Varint((ulong)nested.Length), nested));
                    }
                }
            }
        }

        var random = new Random(randomSeed);
        for (var i = 0; i < randomCount; i++)
        {
            var noise = new byte[random.Next(1, 64)];
            random.NextBytes(noise);
            yield return ($"random #{i}", noise);
            if (seed.Length > 0)
            {
                var flipped = (byte[])seed.Clone();
                flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                yield return ($"valid request with a bit flipped #{i}", flipped);
            }
        }
    }

    private static IEnumerable<(string What, byte[] Bytes)> ForField(FieldDescriptor field)
    {
        var n = field.FieldNumber;
        yield return ("truncated varint", Concat(Varint(Key(n, WireVarint)), [0xFF, 0xFF]));
        yield return ("length past the end", Concat(Varint(Key(n, WireLength)), [0x64, 0x61, 0x62, 0x63]));
        yield return ("length 2^31 - 1", Concat(Varint(Key(n, WireLength)), Varint(int.MaxValue), [0x61]));
        yield return ("negative length", Concat(Varint(Key(n, WireLength)), Varint(ulong.MaxValue), [0x61]));
        yield return ("as varint", Concat(Varint(Key(n, WireVarint)), Varint(ulong.MaxValue)));
        yield return ("as fixed64", Concat(Varint(Key(n, WireFixed64)), new byte[8]));
        yield return ("as fixed32", Concat(Varint(Key(n, WireFixed32)), [0xFF, 0xFF, 0xFF, 0xFF]));
        yield return ("as length-delimited garbage (a truncated varint, if packed)", Concat(Varint(Key(n, WireLength)), [0x03, 0xFF, 0xFF, 0xFF]));
        yield return ("as group", Concat(Varint(Key(n, WireStartGroup)), Varint(Key(n, WireEndGroup))));
        yield return ("twice, second one broken", Concat(Varint(Key(n, WireVarint)), [0x01], Varint(Key(n, WireVarint)), [0x80]));
        if (field.FieldType == FieldType.String)
        {
            foreach (var (name, bad) in InvalidUtf8)
            {
                yield return ($"invalid UTF-8 ({name})", Concat(Varint(Key(n, WireLength)), Varint((ulong)bad.Length), bad));
            }
        }

        if (field.FieldType == FieldType.Message)
        {
            yield return ("message holding field number 0", Concat(Varint(Key(n, WireLength)), [0x02, 0x00, 0x00]));
            yield return ("message with a length past its end", Concat(Varint(Key(n, WireLength)), [0x03, Tag(1, WireLength), 0x10, 0x61]));
        }
    }

    private static bool IsWellKnown(MessageDescriptor type) => type.File.Package == "google.protobuf";

    private static byte Tag(int field, int wire) => (byte)((field << 3) | wire);

    private static ulong Key(int field, int wire) => ((ulong)field << 3) | (uint)wire;

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
