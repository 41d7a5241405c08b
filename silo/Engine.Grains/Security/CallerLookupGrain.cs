using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Grains.Tickets;
using Engine.Storage.Access;
using Engine.Storage.Events;
using Engine.Storage.Lookups;
using Engine.Storage.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Engine.Grains.Security;

/// <summary>A caller's own tickets, by a case's password or a one-time code (docs/decisions.md, entry 58). The phone is
/// never logged and never a grain key: it travels as an argument and is stored as the tickets table stores it.</summary>
// Reentrant: no state of its own; the database orders the changes to a phone's row (the look-ups lock).
[StatelessWorker]
[Reentrant]
internal sealed partial class CallerLookupGrain(
    ICallerLookupStore store,
    ITicketStore tickets,
    IOptions<TicketPolicyOptions> policy,
    ILogger<CallerLookupGrain> logger,
    [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, ICallerLookupGrain
{
    /// <summary>The aggregate of a code's event: a random id, never the phone (aggregate ids are not masked).</summary>
    public const string CodeAggregatePrefix = "lookup-code/";

    public const string Platform = "platform";

    public async Task<TimeSpan> RequestCodeAsync(string phone, string? courtId, string? caseNumber, string actor)
    {
        var options = policy.Value;
        if (courtId is null && caseNumber is not null)
        {
            courtId = (await GrainFactory.GetGrain<ICaseGrain>(caseNumber).GetAsync())?.CourtId;
        }

        var now = time.GetUtcNow();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var expiresAt = now + options.LookupCodeLifetime;
        var issued = EventPayloads.CodeIssued(phone, code, expiresAt, courtId, caseNumber)
            .Row(CodeAggregatePrefix + Guid.NewGuid().ToString("N"), 1, 0, now, actor, courtId);
        store.Issue(phone, code, now, expiresAt, options.LookupCodeResendInterval, issued);
        return options.LookupCodeLifetime;
    }

    public async Task<MyTicketsPage?> ByCodeAsync(string phone, string secret, string? beforeTicketId, int pageSize)
    {
        var options = policy.Value;
        var now = time.GetUtcNow();
        var caller = RequestContext.Get(LookupCaller.ContextKey) as string ?? Actors.Engine;
        var redeemed = store.Redeem(phone, secret, now, options.LookupMaxFailures, options.LookupLockout, caller);
        if (redeemed.LockedUntil is { } until)
        {
            Log.CodeLocked(logger, until, redeemed.Lockouts, caller);
        }

        if (!redeemed.Matched)
        {
            return null;
        }

        var page = tickets.ListByCaller(phone, null, beforeTicketId, pageSize);
        string? next = null;
        if (page.NextAfterTicketId is { } after)
        {
            // The next page's token stands in for the spent code: single-use, and living as long as a code.
            var continuation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            store.Arm(phone, continuation, now + options.LookupCodeLifetime);
            next = after + "." + continuation;
        }

        return new MyTicketsPage(await ViewAsync(page.Tickets), next);
    }

    public async Task<MyTicketsPage?> ByCasePasswordAsync(string phone, string caseNumber, string password, string? beforeTicketId, int pageSize)
    {
        // LookupCase's own check: the same hash, the same (case, phone) guard and lockout.
        if (await GrainFactory.GetGrain<ICaseGrain>(caseNumber).LookupNamedAsync(phone, password) is null)
        {
            return null;
        }

        var page = tickets.ListByCaller(phone, caseNumber, beforeTicketId, pageSize);
        return new MyTicketsPage(await ViewAsync(page.Tickets), page.NextAfterTicketId);
    }

    public Task<LookupLockoutLifted> LiftAsync(string phone) => Task.FromResult(store.Lift(phone, time.GetUtcNow()));

    private async Task<ImmutableArray<MyTicket>> ViewAsync(ImmutableArray<TicketRecord> page)
    {
        var named = policy.Value.LookupNamesHandlersAt;
        var courts = new Dictionary<string, CourtSnapshot?>(StringComparer.Ordinal);
        var views = ImmutableArray.CreateBuilder<MyTicket>(page.Length);
        foreach (var t in page)
        {
            var court = t.Assignee.CourtId ?? t.CourtId;
            string? name = null;
            if (court is not null && t.Assignee.Type is AssigneeType.Judge or AssigneeType.Division or AssigneeType.Office
                && (named.Contains("*") || named.Contains(court)))
            {
                if (!courts.TryGetValue(court, out var snapshot))
                {
                    courts[court] = snapshot = await GrainFactory.GetGrain<ICourtGrain>(court).GetAsync();
                }

                name = t.Assignee.Type == AssigneeType.Judge
                    ? snapshot?.Judges.FirstOrDefault(j => j.JudgeId == t.Assignee.Id)?.Name
                    : snapshot?.Divisions.FirstOrDefault(d => d.DivisionId == t.Assignee.Id)?.Name;
            }

            var clock = t.Deadlines?.Clock;
            views.Add(new MyTicket(
                t.TicketId, t.Kind, t.State, t.CreatedAt, t.CourtId, t.CaseNumber,
                clock is { Problem: null } ? clock.ReplyDueAt : null,
                t.Reply, t.RepliedAt, t.Delivery, RoleOf(t.Assignee.Type), name));
        }

        return views.ToImmutable();
    }

    private static string RoleOf(AssigneeType type) => type switch
    {
        AssigneeType.Judge => "judge",
        AssigneeType.Division => "division",
        AssigneeType.Office => "service office",
        _ => Platform,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.LookupCodeLocked, Level = LogLevel.Warning,
            Message = "One-time-code look-ups of one phone are locked until {LockedUntil} after repeated wrong codes (that phone's lockout {PhoneLockouts}); the last attempt came from {Caller}. Staff lift it with CaseService/LiftLookupLockout without a case number")]
        public static partial void CodeLocked(ILogger logger, DateTimeOffset lockedUntil, int phoneLockouts, string caller);
    }
}
