using System.Reflection;
using Engine.Contracts;
using Engine.Domain;
using V1 = Engine.V1;

namespace Engine.Tests.Api;

/// <summary>
/// The gRPC edge and the event encoders cast between the engine's enums and their engine.v1 twins by number
/// (Engine.ProtoMapping): each pair must agree value for value, by number and by name, both ways (0 aside, which is
/// proto3's UNSPECIFIED). A value added on one
/// side only, or renumbered, fails here instead of turning into another value on the wire.
/// </summary>
public sealed class EnumTwinTests
{
    /// <summary>Every engine enum that has a twin of the same name in engine.v1.</summary>
    public static TheoryData<Type, Type> Twins()
    {
        var proto = typeof(V1.Ticket).Assembly.GetTypes().Where(t => t.IsEnum && t.Namespace == "Engine.V1" && t.IsPublic)
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        var twins = new TheoryData<Type, Type>();
        foreach (var engine in new[] { typeof(TicketState).Assembly, typeof(AccessRole).Assembly }.SelectMany(a => a.GetTypes())
                     .Where(t => t.IsEnum && t.IsPublic && proto.ContainsKey(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            twins.Add(engine, proto[engine.Name]);
        }

        return twins;
    }

    [Fact]
    public void The_twins_found_are_the_ones_the_mapping_casts()
    {
        string[] cast =
        [
            "AccessRole", "AssigneeType", "CallerRole", "CaseNodeType", "CaseStatus", "Channel", "ClockCause", "CourtLevel",
            "DivisionRole", "FilingOutcome", "JudgeRole", "PartyRole", "Priority", "RatedSubject", "RatingSource", "RecipientRole",
            "ReplyDelivery", "Satisfaction", "TicketKind", "TicketMode", "TicketState", "TicketSubKind",
        ];

        Assert.Equal(cast, Twins().Select(row => ((Type)row[0]).Name));
    }

    [Theory]
    [MemberData(nameof(Twins))]
    public void An_engine_enum_and_its_proto_twin_agree_value_for_value(Type engine, Type proto)
    {
        // 0 is proto3's UNSPECIFIED: the engine may have no such value, or its own name for it (TicketMode.Undecided).
        var engineValues = Values(engine);
        var protoValues = Values(proto);
        Assert.True(protoValues.ContainsKey(0), $"{proto.Name} has no 0 value");
        engineValues.Remove(0);
        protoValues.Remove(0);
        Assert.Equal(protoValues, engineValues);
    }

    /// <summary>Number → name, names compared without case or underscores (the C# names protoc makes are PascalCase).</summary>
    private static SortedDictionary<int, string> Values(Type type) => new(type.GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToDictionary(f => Convert.ToInt32(f.GetValue(null), System.Globalization.CultureInfo.InvariantCulture),
            f => f.Name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant()));
}
