using System.Collections.Immutable;
using Engine.Domain;

namespace Engine.Contracts;

/// <summary>What a key may do; the gRPC edge holds the matrix (docs/security.md).</summary>
[GenerateSerializer]
public enum AccessRole
{
    Unspecified = 0,
    Admin = 1,
    Channel = 2,
    Judge = 3,
    CourtStaff = 4,
    CaseSystem = 5,
    Subscriber = 6,
    Supervisor = 7,
}

/// <summary>What a key's role is limited to. An empty list means no limit where the role allows that (see
/// <see cref="AccessScopeRules"/>); the court id <see cref="AllCourts"/> stands for every court, and only it reaches
/// tickets not yet given to a court.</summary>
[GenerateSerializer, Immutable]
public sealed record AccessScope(ImmutableArray<Channel> Channels, ImmutableArray<string> CourtIds, string? JudgeId, bool PersonalData)
{
    public const string AllCourts = "*";

    public static AccessScope Unlimited { get; } = new([], [], null, PersonalData: true);

    /// <summary>True when the scope reaches <paramref name="courtId"/> (null: a ticket without a court yet).</summary>
    public bool ReachesCourt(string? courtId) =>
        CourtIds.IsDefaultOrEmpty || CourtIds.Contains(AllCourts) || (courtId is not null && CourtIds.Contains(courtId));
}

/// <summary>A key as stored: the secret itself is never kept, only its SHA-256.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeyInfo(
    string KeyId,
    string Name,
    AccessRole Role,
    AccessScope Scope,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    int RatePerSecond,
    string? CertificateSha256,
    ImmutableArray<byte> SecretSha256)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);

    private bool PrintMembers(System.Text.StringBuilder builder) => LogSafe.Print(builder, $"KeyId = {KeyId}, Role = {Role}, RevokedAt = {RevokedAt:O}");
}

[GenerateSerializer, Immutable]
public sealed record NewApiKey(string Name, AccessRole Role, AccessScope Scope, DateTimeOffset? ExpiresAt, int RatePerSecond, string? CertificateSha256);

/// <summary>A new key and its whole secret, which exists only in this answer.</summary>
[GenerateSerializer, Immutable]
public sealed record CreatedApiKey(ApiKeyInfo Key, string Secret)
{
    // Never the secret: Orleans logs grain responses with ToString() at trace level.
    private bool PrintMembers(System.Text.StringBuilder builder) => LogSafe.Print(builder, $"Key = {Key}");
}

/// <summary>Every key, with the revision of the key table they were read at.</summary>
[GenerateSerializer, Immutable]
public sealed record KeyRingSnapshot(long Revision, ImmutableArray<ApiKeyInfo> Keys)
{
    private bool PrintMembers(System.Text.StringBuilder builder) => LogSafe.Print(builder, $"Revision = {Revision}, Keys = {Keys.Length}");
}

/// <summary>One administrative action. Outcome is null from the moment it is written (before the action) until it
/// is completed.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Action, string Target, string Detail, string? Outcome, DateTimeOffset? CompletedAt)
{
    private bool PrintMembers(System.Text.StringBuilder builder) => LogSafe.Print(builder, $"Id = {Id}, Action = {Action}, Outcome = {Outcome}");
}

[GenerateSerializer, Immutable]
public sealed record AuditPage(ImmutableArray<AuditRecord> Entries, long NextBeforeId);

/// <summary>
/// The condition a caller's scope puts on a ticket, checked by the ticket grain itself before it runs the call, so
/// that the check and the command see the same ticket (a ticket transferred away in between is refused). The gRPC edge
/// puts it in the RequestContext under <see cref="ContextKey"/>; calls without it (the engine's own) are not checked.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TicketAccess(ImmutableArray<Channel> Channels, ImmutableArray<string> CourtIds, string? JudgeId, bool Command)
{
    public const string ContextKey = "engine.ticket-access";

    /// <summary>True when the caller may read (or, for a command, act on) <paramref name="ticket"/>. A judge acts
    /// only on tickets assigned to them; they also read those delegated away from them during a leave.</summary>
    public bool Allows(TicketRecord ticket)
    {
        if (!Channels.IsDefaultOrEmpty && !Channels.Contains(ticket.Channel))
        {
            return false;
        }

        if (!CourtIds.IsDefaultOrEmpty && !new AccessScope([], CourtIds, null, false).ReachesCourt(ticket.CourtId))
        {
            return false;
        }

        if (JudgeId is null)
        {
            return true;
        }

        var assigned = ticket.Assignee.Type == AssigneeType.Judge && string.Equals(ticket.Assignee.Id, JudgeId, StringComparison.Ordinal);
        return assigned || (!Command && string.Equals(ticket.DelegatedFrom, JudgeId, StringComparison.Ordinal));
    }
}
