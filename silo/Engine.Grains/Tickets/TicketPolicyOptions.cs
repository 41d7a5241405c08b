using Engine.Domain;

namespace Engine.Grains.Tickets;

/// <summary>How tickets are handled beyond routing. Bound from "Engine:Tickets"; start-up refuses a value outside the
/// range each setting names (<see cref="TicketPolicyOptionsValidator"/>).</summary>
public sealed class TicketPolicyOptions
{
    /// <summary>A new ticket from the same caller (phone) on the same case and kind, while one created within this
    /// window is open, is merged into it. Default 7 days; zero disables merging. Allowed: 00:00:00 to
    /// 365.00:00:00.</summary>
    public TimeSpan MergeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Share of closed tickets that get a callback, unless a kind says otherwise. Default 0.10. Allowed: 0 to
    /// 1.</summary>
    public double CallbackShare { get; set; } = 0.10;

    /// <summary>Per-kind shares, e.g. { "Consultation": 0.05 }. Allowed: each 0 to 1, for a kind that gets callbacks
    /// (not Callback).</summary>
    public Dictionary<TicketKind, double> CallbackShareByKind { get; set; } = [];

    /// <summary>Share for complaints (suggestion tickets of sub-kind complaint). Default 1.0: every one. Allowed: 0 to
    /// 1.</summary>
    public double ComplaintCallbackShare { get; set; } = 1.0;

    /// <summary>What a dissatisfied callback result does: Reopen the original ticket (default), or Supervise:
    /// open a complaint ticket for the court's service office. Allowed: those two.</summary>
    public DissatisfiedPolicy DissatisfiedResult { get; set; } = DissatisfiedPolicy.Reopen;

    /// <summary>Failed password look-ups of one (case, phone) pair before it is locked. Default 5. Allowed: at least
    /// 1.</summary>
    public int LookupMaxFailures { get; set; } = 5;

    /// <summary>How long a (case, phone) pair stays locked. Default 15 minutes. Allowed: 00:00:01 to 365.00:00:00 (zero
    /// would lock nothing).</summary>
    public TimeSpan LookupLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a one-time code of CaseService.RequestLookupCode lives. Default 10 minutes. Allowed: 00:00:01 to
    /// 1.00:00:00. A wrong code counts toward the phone's lock as a wrong password does (LookupMaxFailures,
    /// LookupLockout).</summary>
    public TimeSpan LookupCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A phone gets at most one code per this interval (a flood of requests sends it one text). Default 1 minute.
    /// Allowed: 00:00:00 to 01:00:00.</summary>
    public TimeSpan LookupCodeResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The courts whose tickets name their handler (the judge's or division's name) to the caller in
    /// CaseService.LookupMyTickets; "*" for every court. Default none: the handler by role only.</summary>
    public List<string> LookupNamesHandlersAt { get; set; } = [];

    public double CallbackShareFor(TicketKind kind, TicketSubKind subKind) =>
        kind == TicketKind.Callback ? 0
        : subKind == TicketSubKind.SuggestionComplaint ? ComplaintCallbackShare
        : CallbackShareByKind.TryGetValue(kind, out var share) ? share
        : CallbackShare;
}

public enum DissatisfiedPolicy
{
    Reopen,
    Supervise,
}
