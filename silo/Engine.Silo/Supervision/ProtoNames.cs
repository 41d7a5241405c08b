using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.ProtoMapping;
using V1 = Engine.V1;

namespace Engine.Silo.Supervision;

/// <summary>
/// Enum values as the page shows them (<see cref="EnumNames"/>), so the page, grpcurl and the statistics API name
/// things alike. The engine's enums have the protos' numbers by design.
/// </summary>
internal static class ProtoNames
{
    public static string Of(Channel value) => Name("Channel", (int)value);

    public static string Of(TicketKind value) => Name("TicketKind", (int)value);

    public static string Of(TicketSubKind value) => Name("TicketSubKind", (int)value);

    public static string Of(TicketState value) => Name("TicketState", (int)value);

    public static string Of(AssigneeType value) => Name("AssigneeType", (int)value);

    public static string Of(RecipientRole value) => Name("RecipientRole", (int)value);

    public static string Of(ClockCause value) => Name("ClockCause", (int)value);

    public static string Of(V1.RecipientRole value) => Name("RecipientRole", (int)value);

    public static string Of(V1.AssigneeType value) => Name("AssigneeType", (int)value);

    /// <summary>The protos call urging "REPLY" (it fires at the reply deadline); the page says what happens.</summary>
    public static string Of(DeadlineStep step) => step switch
    {
        DeadlineStep.Warning => "WARNING",
        DeadlineStep.Urging => "URGING",
        DeadlineStep.Supervision => "SUPERVISION",
        _ => "SPECIAL_SUPERVISION",
    };

    /// <summary>The value a page parameter names (the same name <paramref name="name"/> gives it), or null.</summary>
    public static T? Parse<T>(string text, Func<T, string> name)
        where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => name(v) == text).Select(v => (T?)v).FirstOrDefault();

    private static string Name(string type, int number) => EnumNames.ShortName(type, number);
}
