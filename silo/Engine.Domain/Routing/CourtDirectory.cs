using Orleans;

namespace Engine.Domain.Routing;

/// <summary>
/// What routing needs to know about one court: its divisions, its people and their availability and load,
/// its offices, and its routing overrides. Built once per change of the court's directory; read on every ticket.
/// </summary>
public sealed class CourtDirectory
{
    public CourtDirectory(string courtId, string subPlatformId)
    {
        CourtId = courtId;
        SubPlatformId = subPlatformId;
    }

    public string CourtId { get; }

    /// <summary>The staff queue that answers on the spot and calls back.</summary>
    public string SubPlatformId { get; }

    public string? FilingDivisionId { get; set; }

    public string? ServiceOfficeId { get; set; }

    public Dictionary<string, DivisionEntry> Divisions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JudgeEntry> Judges { get; } = new(StringComparer.Ordinal);

    /// <summary>Per-court overrides, tried in order before the default rules.</summary>
    public RoutingRuleEntry[] Rules { get; set; } = [];

    public DivisionEntry AddDivision(string id, DivisionRole role, string? headJudgeId = null, string? vicePresidentId = null)
    {
        var division = new DivisionEntry(id, role) { HeadJudgeId = headJudgeId, VicePresidentId = vicePresidentId };
        Divisions[id] = division;
        if (role == DivisionRole.Filing)
        {
            FilingDivisionId ??= id;
        }
        else if (role == DivisionRole.ServiceOffice)
        {
            ServiceOfficeId ??= id;
        }

        return division;
    }

    public JudgeEntry AddJudge(string id, string? divisionId, JudgeRole role)
    {
        var judge = new JudgeEntry(id, divisionId, role);
        Judges[id] = judge;
        if (divisionId is not null && Divisions.TryGetValue(divisionId, out var division))
        {
            division.Members.Add(judge);
        }

        return judge;
    }
}

public sealed class DivisionEntry
{
    public DivisionEntry(string id, DivisionRole role)
    {
        Id = id;
        Role = role;
    }

    public string Id { get; }

    public DivisionRole Role { get; }

    public string? HeadJudgeId { get; set; }

    public string? VicePresidentId { get; set; }

    public List<JudgeEntry> Members { get; } = [];
}

public sealed class JudgeEntry
{
    public JudgeEntry(string id, string? divisionId, JudgeRole role)
    {
        Id = id;
        DivisionId = divisionId;
        Role = role;
    }

    public string Id { get; }

    public string? DivisionId { get; }

    public JudgeRole Role { get; }

    public DateTimeOffset? LeaveFrom { get; set; }

    public DateTimeOffset? LeaveTo { get; set; }

    public string? DelegateJudgeId { get; set; }

    /// <summary>Open tickets held now; the least-loaded rule reads it.</summary>
    public int Load { get; set; }

    public bool IsAvailable(DateTimeOffset now) =>
        LeaveFrom is not { } from || now < from || (LeaveTo is { } to && now >= to);
}

/// <summary>A per-court override: the first one whose match fields all fit the ticket decides.</summary>
[GenerateSerializer, Immutable]
public sealed record RoutingRuleEntry(
    string RuleId,
    TicketKind Kind,
    TicketSubKind SubKind,
    string? CaseDivisionId,
    AssigneeType TargetType,
    string TargetId)
{
    public bool Matches(TicketKind kind, TicketSubKind subKind, string? caseDivisionId) =>
        (Kind == TicketKind.Unspecified || Kind == kind)
        && (SubKind == TicketSubKind.Unspecified || SubKind == subKind)
        && (CaseDivisionId is null || string.Equals(CaseDivisionId, caseDivisionId, StringComparison.Ordinal));
}
