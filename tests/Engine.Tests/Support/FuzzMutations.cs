using System.Collections;
using System.Collections.Immutable;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Engine.Tests.Support;

/// <summary>
/// Variations of a well-formed request, one field at a time, found through its descriptor: every string empty, huge,
/// with control characters or markup; every number at its limits; every enum out of range; every time absurd; every
/// message missing or empty; every list empty, huge or with one odd element. Nested messages are varied the same way.
/// </summary>
public static class FuzzMutations
{
    public const int HugeCount = 10_000;
    private const int MaxDepth = 3;

    public static readonly (string Name, string Value)[] Strings =
    [
        ("empty", string.Empty),
        ("blank", "   "),
        ("1 MB", new string('x', 1 << 20)),
        ("65 chars", new string('y', 65)),
        ("8193 chars", new string('z', 8193)),
        ("NUL", "a\0b"),
        ("U+0001", "\u0001"),
        ("RLO", "\u202Eabc"),
        // Protobuf's writer sends it as U+FFFD; FuzzBytes sends an encoded surrogate as raw bytes.
        ("lone surrogate", "a\uD800b"),
        ("emoji", "😀"),
        ("line break", "a\r\nb"),
        ("SQL", "'); DROP TABLE tickets;--"),
        ("markup", "<script>alert(1)</script>"),
        ("format", "{0} %s %n ${x}"),
        ("path", "../../../etc/passwd"),
    ];

    public static readonly (string Name, Timestamp Value)[] Times =
    [
        ("year 1", new Timestamp { Seconds = -62_135_596_800 }),
        ("year 9999", new Timestamp { Seconds = 253_402_300_799 }),
        ("past year 9999", new Timestamp { Seconds = 253_402_300_800 }),
        ("seconds long.MinValue", new Timestamp { Seconds = long.MinValue }),
        ("seconds long.MaxValue", new Timestamp { Seconds = long.MaxValue }),
        ("negative nanos", new Timestamp { Seconds = 1_750_000_000, Nanos = -1 }),
        ("nanos 1e9", new Timestamp { Seconds = 1_750_000_000, Nanos = 1_000_000_000 }),
        ("nanos int.MaxValue", new Timestamp { Seconds = 1_750_000_000, Nanos = int.MaxValue }),
        ("epoch", new Timestamp()),
    ];

    private static readonly int[] Enums = [999, -1, int.MaxValue, int.MinValue, 0];

    /// <summary>Every variation of <paramref name="seed"/>, each a fresh copy, with a line saying what was changed.</summary>
    public static IEnumerable<(string What, IMessage Request)> Of(IMessage seed)
    {
        foreach (var change in Changes(seed, [], string.Empty, 0))
        {
            var copy = seed.Descriptor.Parser.ParseFrom(seed.ToByteString());
            change.Apply(Navigate(copy, change.Path));
            yield return (change.What, copy);
        }
    }

    private sealed record Step(FieldDescriptor Field, int? Index);

    private sealed record Change(string What, ImmutableList<Step> Path, Action<IMessage> Apply);

    private static IEnumerable<Change> Changes(IMessage message, ImmutableList<Step> path, string prefix, int depth)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var name = prefix + field.Name;
            if (field.IsMap)
            {
                yield return new Change($"{name}: empty", path, m => List(m, field).Clear());
            }
            else if (field.IsRepeated)
            {
                var list = List(message, field);
                yield return new Change($"{name}: empty", path, m => List(m, field).Clear());
                yield return new Change($"{name}: {HugeCount} elements", path, m => Fill(List(m, field), field));
                yield return new Change($"{name}: a default element added", path, m => List(m, field).Add(Default(field)));
                if (list.Count > 0 && field.FieldType == FieldType.Message && !IsTime(field) && depth < MaxDepth)
                {
                    foreach (var inner in Changes((IMessage)list[0]!, path.Add(new Step(field, 0)), $"{name}[0].", depth + 1))
                    {
                        yield return inner;
                    }
                }
                else if (list.Count > 0)
                {
                    foreach (var (what, value) in Values(field))
                    {
                        yield return new Change($"{name}[0]: {what}", path, m => List(m, field)[0] = value);
                    }
                }
            }
            else if (field.FieldType == FieldType.Message)
            {
                yield return new Change($"{name}: missing", path, m => field.Accessor.Clear(m));
                yield return new Change($"{name}: empty", path, m => field.Accessor.SetValue(m, Default(field)));
                var value = (IMessage?)field.Accessor.GetValue(message);
                if (IsTime(field))
                {
                    foreach (var (what, time) in Times)
                    {
                        yield return new Change($"{name}: {what}", path, m => field.Accessor.SetValue(m, time.Clone()));
                    }
                }
                else if (value is not null && depth < MaxDepth)
                {
                    foreach (var inner in Changes(value, path.Add(new Step(field, null)), name + ".", depth + 1))
                    {
                        yield return inner;
                    }
                }
            }
            else
            {
                foreach (var (what, value) in Values(field))
                {
                    yield return new Change($"{name}: {what}", path, m => field.Accessor.SetValue(m, value));
                }
            }
        }
    }

    private static IEnumerable<(string What, object Value)> Values(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => Strings.Select(s => (s.Name, (object)s.Value)),
        FieldType.Bytes => [("empty", ByteString.Empty), ("1 MB", ByteString.CopyFrom(new byte[1 << 20]))],
        FieldType.Bool => [("true", true), ("false", false)],
        FieldType.Enum => Enums.Select(n => (n.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Enum.ToObject(field.EnumType.ClrType, n))),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => [("0", 0), ("-1", -1), ("int.MinValue", int.MinValue), ("int.MaxValue", int.MaxValue)],
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => [("0", 0L), ("-1", -1L), ("long.MinValue", long.MinValue), ("long.MaxValue", long.MaxValue)],
        FieldType.UInt32 or FieldType.Fixed32 => [("0", 0u), ("uint.MaxValue", uint.MaxValue)],
        FieldType.UInt64 or FieldType.Fixed64 => [("0", 0ul), ("ulong.MaxValue", ulong.MaxValue)],
        FieldType.Double => [("NaN", double.NaN), ("+infinity", double.PositiveInfinity), ("-infinity", double.NegativeInfinity), ("-1", -1d), ("1e308", 1e308)],
        FieldType.Float => [("NaN", float.NaN), ("+infinity", float.PositiveInfinity), ("-1", -1f)],
        _ => [],
    };

    private static bool IsTime(FieldDescriptor field) => field.FieldType == FieldType.Message && field.MessageType.FullName == Timestamp.Descriptor.FullName;

    private static IList List(IMessage message, FieldDescriptor field) => (IList)field.Accessor.GetValue(message);

    private static void Fill(IList list, FieldDescriptor field)
    {
        var sample = list.Count > 0 ? list[0]! : Default(field);
        for (var i = list.Count; i < HugeCount; i++)
        {
            list.Add(sample is IMessage message ? message.Descriptor.Parser.ParseFrom(message.ToByteString()) : sample);
        }
    }

    private static object Default(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.Parser.ParseFrom(ByteString.Empty),
        FieldType.String => string.Empty,
        FieldType.Bytes => ByteString.Empty,
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, 0),
        _ => Activator.CreateInstance(field.Accessor.Descriptor.FieldType switch
        {
            FieldType.Bool => typeof(bool),
            FieldType.Double => typeof(double),
            FieldType.Float => typeof(float),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => typeof(long),
            FieldType.UInt64 or FieldType.Fixed64 => typeof(ulong),
            FieldType.UInt32 or FieldType.Fixed32 => typeof(uint),
            _ => typeof(int),
        })!,
    };

    private static IMessage Navigate(IMessage root, ImmutableList<Step> path)
    {
        var current = root;
        foreach (var step in path)
        {
            var value = step.Field.Accessor.GetValue(current);
            current = (IMessage)(step.Index is { } i ? ((IList)value)[i]! : value);
        }

        return current;
    }
}
