namespace Engine.Domain.Hearings;

/// <summary>What recording a node of a type does to the case's hearings: the type's <c>hearing</c> in the progress node
/// catalogue (docs/design.md, "Hearing reminders"). Not stored: read from the catalogue when a node is recorded.</summary>
public enum HearingEffect
{
    /// <summary>Nothing: the type has nothing to do with hearings (a node of it may not carry one).</summary>
    None = 0,

    /// <summary>Sets the hearing's time (and place): a new hearing, or the same one at another time.</summary>
    Scheduled = 1,

    /// <summary>As <see cref="Scheduled"/>; a court's own name for moving a hearing.</summary>
    Rescheduled = 2,

    /// <summary>Calls the hearing off; with a new time, moves it there.</summary>
    Postponed = 3,

    /// <summary>Calls the hearing off (every hearing of the case when the node names none).</summary>
    Cancelled = 4,
}

public static class HearingEffects
{
    /// <summary>The catalogue's spelling of each effect.</summary>
    public static string Text(HearingEffect effect) => effect switch
    {
        HearingEffect.Scheduled => "scheduled",
        HearingEffect.Rescheduled => "rescheduled",
        HearingEffect.Postponed => "postponed",
        HearingEffect.Cancelled => "cancelled",
        _ => "none",
    };

    public static bool TryParse(string? text, out HearingEffect effect)
    {
        effect = text switch
        {
            "scheduled" => HearingEffect.Scheduled,
            "rescheduled" => HearingEffect.Rescheduled,
            "postponed" => HearingEffect.Postponed,
            "cancelled" => HearingEffect.Cancelled,
            "none" => HearingEffect.None,
            _ => (HearingEffect)(-1),
        };
        return Enum.IsDefined(effect);
    }

    /// <summary>Whether a node of this effect must give the hearing's time.</summary>
    public static bool NeedsTime(this HearingEffect effect) => effect is HearingEffect.Scheduled or HearingEffect.Rescheduled;
}
