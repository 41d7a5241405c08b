using System.Diagnostics.CodeAnalysis;

namespace Engine.Domain.Routing;

/// <summary>Many courts' directories by court id: the national view that benchmarks and tools route against.</summary>
public sealed class RoutingDirectory
{
    private readonly Dictionary<string, CourtDirectory> _courts = new(StringComparer.Ordinal);

    public int Count => _courts.Count;

    public void Add(CourtDirectory court) => _courts[court.CourtId] = court;

    public bool TryGetCourt(string courtId, [MaybeNullWhen(false)] out CourtDirectory court) =>
        _courts.TryGetValue(courtId, out court);
}
