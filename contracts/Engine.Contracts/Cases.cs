using System.Collections.Immutable;
using System.Text;
using Engine.Domain;

namespace Engine.Contracts;

[GenerateSerializer, Immutable]
public sealed record PartyInfo(string Name, PartyRole Role, string? Phone, string? IdNumber = null)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"Role = {Role}");
}

/// <summary>A progress node. <see cref="NodeType"/> is its id in the node catalogue (null when stored by a build
/// before the catalogue: <see cref="Type"/> names it then); <see cref="Type"/> is the enum of the first builds, Other for
/// a catalogue type it lacks.
/// <see cref="Hearing"/> is the hearing a node of a hearing type schedules, moves or calls off (docs/decisions.md, 62).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseNodeInfo(CaseNodeType Type, DateTimeOffset At, string? Detail, bool Public, string? NodeType = null, HearingInfo? Hearing = null)
{
    /// <summary>The catalogue id, whichever build stored the node.</summary>
    public string TypeId => NodeType ?? ProgressNodeIds.Of(Type);

    /// <summary>The node with both its catalogue id and its enum set, as this build stores it: two nodes are the same
    /// node when their canonical forms are equal.</summary>
    public CaseNodeInfo Canonical() => this with { NodeType = TypeId, Type = ProgressNodeIds.Legacy(TypeId) };
}

/// <summary>A hearing as a node gives it: when it begins (null on a cancellation, or a postponement without a new
/// time), where, and which hearing of the case (null: the case's hearing).</summary>
[GenerateSerializer, Immutable]
public sealed record HearingInfo(DateTimeOffset? At, string? Place, string? HearingId);

/// <summary>A node as a party sees it: with the name its court gives its type, and the message template key.</summary>
[GenerateSerializer, Immutable]
public sealed record NamedCaseNode(CaseNodeInfo Node, string Name, string Template);

[GenerateSerializer, Immutable]
public sealed record CaseRecord(
    string CaseNumber,
    string CourtId,
    string? DivisionId,
    string? PresidingJudgeId,
    ImmutableArray<PartyInfo> Parties,
    CaseStatus Status,
    ImmutableArray<CaseNodeInfo> Nodes,
    ImmutableArray<string> RelatedCases,
    string? MovedToCourtId,
    string? MovedToCaseNumber,
    long Version);

/// <summary>What the case-management system pushes; the password, when given, is stored only as a salted hash.
/// <see cref="Nodes"/> are recorded unless already stored (null from a front-end of an earlier build: none).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseUpsert(
    string CaseNumber,
    string CourtId,
    string? DivisionId,
    string? PresidingJudgeId,
    ImmutableArray<PartyInfo> Parties,
    CaseStatus Status,
    ImmutableArray<string> RelatedCases,
    string? ServicePassword,
    string Actor,
    ImmutableArray<CaseNodeInfo>? Nodes = null)
{
    private bool PrintMembers(StringBuilder builder) => LogSafe.Print(builder, $"CaseNumber = {CaseNumber}, CourtId = {CourtId}, Actor = {Actor}");
}

/// <summary>What routing needs from a case. MovedTo* are set when the case went to another court.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseRoutingFacts(
    string CaseNumber,
    string CourtId,
    string? DivisionId,
    string? PresidingJudgeId,
    string? MovedToCourtId,
    string? MovedToCaseNumber);

/// <summary>What lifting the look-up lockout of one (case, phone) pair cleared: whether it was locked, the failed
/// look-ups it had counted, and the attempts refused while the lock held.</summary>
[GenerateSerializer, Immutable]
public sealed record LookupLockoutLifted(bool WasLocked, int Failures, int RefusedWhileLocked);

/// <summary>Who tried a password look-up, for the audit entry of the lockout it may cause: the gRPC edge puts the
/// key's actor name (never the end user, whom the adapter names as it likes) in the RequestContext under
/// <see cref="ContextKey"/>.</summary>
public static class LookupCaller
{
    public const string ContextKey = "engine.lookup-caller";
}
