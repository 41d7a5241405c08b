namespace Engine.Contracts.Grains;

/// <summary>A caller follows their own tickets by a case's service password or a one-time code. Stateless: the codes
/// and each phone's failures and lockout are rows of the engine's database, so every silo answers locally.</summary>
public interface ICallerLookupGrain : IGrainWithIntegerKey
{
    /// <summary>Makes a one-time code for <paramref name="phone"/> and announces it (caller.code_issued) unless the
    /// phone is locked or had one moments ago; answers a code's lifetime either way.</summary>
    Task<TimeSpan> RequestCodeAsync(string phone, string? courtId, string? caseNumber, string actor);

    /// <summary>The caller's tickets, after spending <paramref name="secret"/> (a code, or the secret of a page token);
    /// null for every refusal.</summary>
    Task<MyTicketsPage?> ByCodeAsync(string phone, string secret, string? beforeTicketId, int pageSize);

    /// <summary>The caller's tickets on <paramref name="caseNumber"/>, after the case's password look-up (the same
    /// check, guard and lockout as CaseService.LookupCase); null for every refusal.</summary>
    Task<MyTicketsPage?> ByCasePasswordAsync(string phone, string caseNumber, string password, string? beforeTicketId, int pageSize);

    /// <summary>Staff lifted the phone's code lockout.</summary>
    Task<LookupLockoutLifted> LiftAsync(string phone);
}
