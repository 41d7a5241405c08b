using System.Collections.Immutable;

namespace Engine.Domain.Hearings;

/// <summary>
/// The hearings of one case that still want reminders, changed by the nodes recorded (pure: the case grain keeps the
/// list in its state and writes it with the node). A hearing is known by its id (empty: the case's hearing); scheduling
/// it again at the same time keeps who was reminded, at another time starts again (the parties must hear of the new
/// time); calling it off forgets it. Hearings that have begun are dropped.
/// </summary>
public static class HearingPlan
{
    /// <summary>The hearings after a node of <paramref name="effect"/> for hearing <paramref name="hearingId"/> (null:
    /// the case's hearing, or for a call-off every hearing) at <paramref name="at"/>; <paramref name="remindAt"/> plans a
    /// reminder for a time.</summary>
    public static ImmutableArray<PlannedHearing> Apply(
        ImmutableArray<PlannedHearing> hearings, HearingEffect effect, string? hearingId, DateTimeOffset? at, string? place, Func<DateTimeOffset, DateTimeOffset> remindAt)
    {
        var id = hearingId ?? string.Empty;
        if (effect == HearingEffect.None)
        {
            return hearings;
        }

        if (at is not { } time)
        {
            // A call-off: scheduled types always give a time (the edge and the grain refuse one without).
            return hearingId is null ? [] : hearings.RemoveAll(h => h.Id == id);
        }

        var existing = hearings.FirstOrDefault(h => h.Id == id);
        var reminded = existing is not null && existing.At == time ? existing.Reminded : [];
        var next = new PlannedHearing(id, time, place, remindAt(time), reminded);
        return existing is null ? hearings.Add(next) : hearings.Replace(existing, next);
    }

    /// <summary>The hearings that have not begun at <paramref name="now"/>.</summary>
    public static ImmutableArray<PlannedHearing> Pending(ImmutableArray<PlannedHearing> hearings, DateTimeOffset now) =>
        hearings.RemoveAll(h => h.At <= now);

    /// <summary>The hearings whose reminder is due at <paramref name="now"/> to a party of <paramref name="parties"/> not
    /// yet reminded, each with those parties' places in the list.</summary>
    public static IEnumerable<(PlannedHearing Hearing, IReadOnlyList<int> Parties)> Due(
        ImmutableArray<PlannedHearing> hearings, IReadOnlyList<string> parties, DateTimeOffset now)
    {
        foreach (var hearing in hearings)
        {
            if (HearingReminder.SendAt(hearing.RemindAt, hearing.At, now) is { } send && send <= now)
            {
                var todo = Enumerable.Range(0, parties.Count).Where(i => !hearing.Reminded.Contains(parties[i])).ToList();
                if (todo.Count > 0)
                {
                    yield return (hearing, todo);
                }
            }
        }
    }

    /// <summary>The next moment a reminder is to go to a party of <paramref name="parties"/> (now when one is late);
    /// null when none is to go.</summary>
    public static DateTimeOffset? NextAt(ImmutableArray<PlannedHearing> hearings, IReadOnlyList<string> parties, DateTimeOffset now) =>
        hearings
            .Where(h => parties.Any(p => !h.Reminded.Contains(p)))
            .Select(h => HearingReminder.SendAt(h.RemindAt, h.At, now))
            .Where(t => t is not null)
            .Min();

    /// <summary>What tells one party from another for "reminded once": role, name and phone, as the case lists them.</summary>
    public static string PartyKey(PartyRole role, string name, string? phone) => $"{(int)role}|{name}|{phone}";
}
