using Engine.Contracts;
using Engine.Domain;

namespace Engine.Grains.Cases;

/// <summary>How two cases are related, for related-case notices: one lists the other in its related cases (either way),
/// or they share a party, by identity number or phone. Agents and lawyers are not matched (one lawyer takes part in
/// hundreds of cases that have nothing else in common); they are told, as parties of a related case, all the same.</summary>
public static class RelatedCases
{
    public const string ListedPrefix = "listed:";

    /// <summary>The keys a case is indexed under: its matched parties' identity numbers and phones, and the cases it
    /// lists.</summary>
    public static IReadOnlySet<string> Keys(CaseRecord c) =>
        new HashSet<string>(PartyKeys(c).Concat(c.RelatedCases.Select(n => ListedPrefix + n)), StringComparer.Ordinal);

    /// <summary>The keys by which other cases are found for <paramref name="c"/>: its matched parties', and its own
    /// number as a listed case.</summary>
    public static IReadOnlyCollection<string> SearchKeys(CaseRecord c) => [.. PartyKeys(c), ListedPrefix + c.CaseNumber];

    /// <summary>Listed (true), sharing a party (false), or not related (null).</summary>
    public static bool? Relation(CaseRecord source, CaseRecord other)
    {
        if (source.CaseNumber == other.CaseNumber)
        {
            return null;
        }

        if (source.RelatedCases.Contains(other.CaseNumber) || other.RelatedCases.Contains(source.CaseNumber))
        {
            return true;
        }

        return PartyKeys(source).Intersect(PartyKeys(other), StringComparer.Ordinal).Any() ? false : null;
    }

    private static IEnumerable<string> PartyKeys(CaseRecord c) => c.Parties
        .Where(p => p.Role is not (PartyRole.Agent or PartyRole.Lawyer))
        .SelectMany(p => new[] { p.IdNumber is { Length: > 0 } id ? "id:" + id : null, p.Phone is { Length: > 0 } phone ? "phone:" + phone : null })
        .OfType<string>()
        .Distinct(StringComparer.Ordinal);
}
