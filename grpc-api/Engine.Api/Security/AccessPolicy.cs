using System.Collections.Frozen;
using Engine.Contracts;
using V1 = Engine.V1;

namespace Engine.Api.Security;

/// <summary>Which roles may call which method (the first gate; the services then check the scope against what the
/// call touches), and which calls are administrative actions written to the audit log. A method missing here is
/// refused to everyone: a new call must be given its roles on purpose (the matrix test fails until it is).</summary>
public static class AccessPolicy
{
    public sealed record Rule(FrozenSet<AccessRole> Roles, bool Audited);

    private const AccessRole Admin = AccessRole.Admin;
    private const AccessRole Channel = AccessRole.Channel;
    private const AccessRole Judge = AccessRole.Judge;
    private const AccessRole Staff = AccessRole.CourtStaff;
    private const AccessRole Cases = AccessRole.CaseSystem;
    private const AccessRole Subscriber = AccessRole.Subscriber;
    private const AccessRole Supervisor = AccessRole.Supervisor;

    private static readonly AccessRole[] Everyone = [Admin, Channel, Judge, Staff, Cases, Subscriber, Supervisor];

    /// <summary>Answered to anyone, authenticated or not: load balancers probe it.</summary>
    public const string HealthService = "grpc.health.v1.Health";

    public static FrozenDictionary<string, Rule> Rules { get; } = Build();

    /// <summary>Server reflection (any version) describes the API to any authenticated caller.</summary>
    private static readonly Rule Reflection = new(Everyone.ToFrozenSet(), false);

    /// <summary>The rule of a method path such as "/engine.v1.TicketService/Reply", or null when it has none.</summary>
    public static Rule? For(string method) =>
        Rules.GetValueOrDefault(method) ?? (method.StartsWith("/grpc.reflection.", StringComparison.Ordinal) ? Reflection : null);

    public static bool IsUnauthenticated(string method) => method.StartsWith("/" + HealthService + "/", StringComparison.Ordinal);

    private static FrozenDictionary<string, Rule> Build()
    {
        var rules = new Dictionary<string, Rule>(StringComparer.Ordinal);
        void Allow(Google.Protobuf.Reflection.ServiceDescriptor service, string method, bool audited, params AccessRole[] roles)
        {
            if (service.FindMethodByName(method) is null)
            {
                throw new InvalidOperationException($"{service.FullName} has no method {method}");
            }

            rules.Add($"/{service.FullName}/{method}", new Rule(roles.Append(Admin).ToFrozenSet(), audited));
        }

        var intake = V1.IntakeService.Descriptor;
        Allow(intake, "SubmitTicket", false, Channel);
        Allow(intake, "SubmitTickets", false, Channel);

        var tickets = V1.TicketService.Descriptor;
        Allow(tickets, "GetTicket", false, Channel, Judge, Staff, Supervisor);
        Allow(tickets, "ListTickets", false, Judge, Staff, Supervisor);
        Allow(tickets, "AnswerOnSpot", false, Channel, Staff);
        Allow(tickets, "Cancel", false, Channel, Staff);
        Allow(tickets, "Dispatch", false, Staff);
        foreach (var handling in new[] { "Accept", "Reply", "Transfer", "ReturnToPlatform", "PauseClock", "ResumeClock" })
        {
            Allow(tickets, handling, false, Judge, Staff);
        }

        foreach (var platform in new[] { "Close", "Reopen", "ExtendDeadline", "RecordCallback" })
        {
            Allow(tickets, platform, false, Staff);
        }

        // Ratings come from hall evaluators, the IVR, web and WeChat (channel adapters) or are keyed in by staff.
        Allow(tickets, "Rate", false, Channel, Staff);
        // The filing division decides (a judge of it, or its staff).
        Allow(tickets, "RecordFilingDecision", false, Judge, Staff);

        var cases = V1.CaseService.Descriptor;
        foreach (var write in new[] { "UpsertCase", "AssignJudge", "MoveCase", "RecordNode" })
        {
            Allow(cases, write, false, Cases);
        }

        Allow(cases, "GetCase", false, Cases, Staff, Supervisor, Judge);
        Allow(cases, "ListCaseTickets", false, Cases, Staff, Supervisor);
        Allow(cases, "LookupCase", false, Channel);
        // People follow their own requests through the same public channels (decision 58).
        Allow(cases, "RequestLookupCode", false, Channel);
        Allow(cases, "LookupMyTickets", false, Channel);
        // Lifting a lockout lets guessing start again: staff do it after checking who asks, and it is on record.
        Allow(cases, "LiftLookupLockout", true, Staff);

        var directory = V1.DirectoryService.Descriptor;
        foreach (var write in new[] { "UpsertCourt", "UpsertDivision", "UpsertJudge", "ImportDirectory", "SetRoutingRules" })
        {
            Allow(directory, write, true);
        }

        Allow(directory, "SetAvailability", true, Staff);
        Allow(directory, "GetCourt", false, Everyone);
        // A judge reads their own workload and timers (the service checks the id); staff and supervisors those of their courts.
        Allow(directory, "GetJudge", false, Judge, Staff, Supervisor);

        var events = V1.EventService.Descriptor;
        foreach (var read in new[] { "Subscribe", "CommitCursor", "GetCursor" })
        {
            Allow(events, read, false, Subscriber, Supervisor);
        }

        var stats = V1.StatsService.Descriptor;
        foreach (var read in new[] { "GetStats", "GetHotTopics", "ListOverdue", "GetSatisfaction", "ListPendingFilings", "GetKnowledgeFigures", "GetCirculatedReport" })
        {
            Allow(stats, read, false, Staff, Supervisor);
        }

        Allow(stats, "RebuildStats", true);

        var access = V1.AccessService.Descriptor;
        // Key changes are audited by the key store itself, in the transaction that makes them.
        foreach (var admin in new[] { "CreateApiKey", "RevokeApiKey", "ListApiKeys", "ListAuditLog" })
        {
            Allow(access, admin, false);
        }

        Allow(access, "WhoAmI", false, Everyone);

        var calendars = V1.CalendarService.Descriptor;
        Allow(calendars, "PutCalendar", true);
        Allow(calendars, "GetCalendar", false, Everyone);
        Allow(calendars, "ListCalendars", false, Everyone);

        var knowledge = V1.KnowledgeService.Descriptor;
        // Entries are written by court staff of the entry's court (an entry for every court: staff of "*"); each
        // change is audited by the knowledge store itself, in the transaction that makes it.
        foreach (var write in new[] { "CreateEntry", "UpdateEntry", "RetireEntry", "ImportEntries" })
        {
            Allow(knowledge, write, false, Staff);
        }

        foreach (var read in new[] { "GetEntry", "ListEntries", "ExportEntries" })
        {
            Allow(knowledge, read, false, Staff, Supervisor);
        }

        Allow(knowledge, "SearchKnowledge", false, Staff, Channel);
        Allow(knowledge, "SuggestAnswers", false, Staff, Channel);
        Allow(knowledge, "PublicSearch", false, Channel);

        return rules.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
