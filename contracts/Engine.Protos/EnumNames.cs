using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf.Reflection;
using V1 = Engine.V1;

namespace Engine.ProtoMapping;

/// <summary>
/// engine.v1 enum values by their proto name without the enum's prefix (CONTACT_JUDGE, WECHAT, DIVISION_HEAD), as the
/// statistics API, the supervision page and the report name them. Read from the descriptors, not the C# names, which
/// differ in places (WeChat is WECHAT). A number the proto does not define comes back as the number.
/// </summary>
public static class EnumNames
{
    private static readonly ConcurrentDictionary<(string Type, int Number), string> Cache = new();

    /// <param name="enumType">The enum's name in common.proto, e.g. "TicketKind".</param>
    public static string ShortName(string enumType, int number) => Cache.GetOrAdd((enumType, number), static key =>
    {
        var values = V1.CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>(key.Type);
        var prefix = values.FindValueByNumber(0).Name[..^"UNSPECIFIED".Length];
        return values.FindValueByNumber(key.Number)?.Name is { } name && name.StartsWith(prefix, StringComparison.Ordinal)
            ? name[prefix.Length..]
            : key.Number.ToString(CultureInfo.InvariantCulture);
    });

    /// <summary>The number of a short name (<c>CONSULTATION</c> of "TicketKind"); false for a name the enum does not
    /// define, the unspecified value included.</summary>
    public static bool TryParse(string enumType, string shortName, out int number)
    {
        var values = V1.CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>(enumType);
        var prefix = values.FindValueByNumber(0).Name[..^"UNSPECIFIED".Length];
        var value = values.FindValueByName(prefix + shortName);
        number = value?.Number ?? 0;
        return value is not null && value.Number != 0;
    }
}
