using System.Text;

namespace Engine.Domain;

/// <summary>The catalogue ids of progress nodes (FILED, HEARING_SCHEDULED, PRESERVATION_RULED…). The node types of
/// the first builds were the enum <see cref="CaseNodeType"/>; each of its values has the id of its proto name without
/// the prefix, so a node stored or sent with only the enum keeps its meaning, and a node of a type the enum lacks is
/// <see cref="CaseNodeType.Other"/> to an old reader.</summary>
public static class ProgressNodeIds
{
    public const int MaxLength = 64;

    /// <summary>The id of an enum value: HearingScheduled is HEARING_SCHEDULED.</summary>
    public static string Of(CaseNodeType type)
    {
        var name = type.ToString();
        var id = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                id.Append('_');
            }

            id.Append(char.ToUpperInvariant(name[i]));
        }

        return id.ToString();
    }

    /// <summary>The enum value an id stands for, or <see cref="CaseNodeType.Other"/> for an id the enum lacks.</summary>
    public static CaseNodeType Legacy(string id) => LegacyTypes.TryGetValue(id, out var type) ? type : CaseNodeType.Other;

    /// <summary>Upper-case letters, digits and underscores, starting with a letter, at most <see cref="MaxLength"/>.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id[0] is >= 'A' and <= 'Z' && id.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    private static readonly Dictionary<string, CaseNodeType> LegacyTypes = Enum.GetValues<CaseNodeType>()
        .Where(t => t != CaseNodeType.Unspecified)
        .ToDictionary(Of, t => t, StringComparer.Ordinal);
}
