namespace Engine.Domain;

/// <summary>Facts about kinds and sub-kinds that validation and routing share.</summary>
public static class TicketKinds
{
    /// <summary>The kind a sub-kind belongs to (sub-kinds are numbered kind × 100 + n).</summary>
    public static TicketKind KindOf(TicketSubKind subKind) => (TicketKind)((int)subKind / 100);

    public static bool Belongs(TicketSubKind subKind, TicketKind kind) =>
        subKind == TicketSubKind.Unspecified || KindOf(subKind) == kind;

    /// <summary>Kinds that name a case and go to the judge who holds it.</summary>
    public static bool GoesToPresidingJudge(TicketKind kind) =>
        kind is TicketKind.ContactJudge or TicketKind.OnlineMatter;
}
