using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Hearings;
using Engine.Domain.Routing;
using Engine.ProtoMapping;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Storage.Events;

/// <summary>An event's type and its payload as the log stores it (a packed google.protobuf.Any).</summary>
public sealed record EncodedEvent(string Type, byte[] Payload)
{
    public static EncodedEvent Of(string type, IMessage payload) => new(type, Any.Pack(payload).ToByteArray());

    public EventRow Row(string aggregateId, long version, int ordinal, DateTimeOffset at, string actor, string? courtId, TicketKind kind = TicketKind.Unspecified) =>
        new(aggregateId, version, ordinal, Type, at, actor, courtId, kind, Payload);
}

/// <summary>What a sender needs of a node's type: its name and message template key at the case's court.</summary>
public sealed record NodeTypeText(string Name, string Template);

/// <summary>Why related cases are told: a node (with its type's text), or a move to another court. <see cref="Key"/>
/// names the cause once for ever: the changed case, its version and the cause's place in the change.</summary>
public sealed record RelatedNoticeCause(string Key, CaseNodeInfo? Node, NodeTypeText? Type, string? MovedToCourtId, string? MovedToCaseNumber);

/// <summary>
/// The event log's adapter for everything but tickets (<see cref="TicketEvents"/>): a change of the directory, a
/// case, a calendar or a look-up lockout, as its event (engine.v1 events.proto). The grains and stores hand it their
/// records; none of them builds a protobuf message.
/// </summary>
public static class EventPayloads
{
    public static EncodedEvent CourtUpserted(CourtInfo court) =>
        EncodedEvent.Of("directory.court_upserted", new V1.DirectoryCourtUpserted { Court = Mapping.ToProto(court) });

    public static EncodedEvent DivisionUpserted(DivisionInfo division) =>
        EncodedEvent.Of("directory.division_upserted", new V1.DirectoryDivisionUpserted { Division = Mapping.ToProto(division) });

    public static EncodedEvent JudgeUpserted(JudgeInfo judge) =>
        EncodedEvent.Of("directory.judge_upserted", new V1.DirectoryJudgeUpserted { Judge = Mapping.ToProto(judge) });

    public static EncodedEvent JudgeRemoved(string courtId, string judgeId) =>
        EncodedEvent.Of("directory.judge_removed", new V1.DirectoryJudgeRemoved { CourtId = courtId, JudgeId = judgeId });

    public static EncodedEvent AvailabilitySet(JudgeInfo judge) =>
        EncodedEvent.Of("directory.availability_set", new V1.DirectoryAvailabilitySet { Judge = Mapping.ToProto(judge) });

    /// <summary>A person's morning list of <paramref name="day"/> (court time).</summary>
    public static EncodedEvent JudgeDigest(JudgeInfo judge, DateOnly day, MorningListItems items, int openTickets) =>
        EncodedEvent.Of(EventTypes.JudgeDigest, new V1.JudgeDigest
        {
            JudgeId = judge.JudgeId, CourtId = judge.CourtId, Day = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            DueToday = { items.DueToday }, Overdue = { items.Overdue }, Urged = { items.Urged },
            DueTodayCount = items.DueTodayCount, OverdueCount = items.OverdueCount, UrgedCount = items.UrgedCount, OpenTickets = openTickets,
        });

    public static EncodedEvent JudgeLeaveStarted(JudgeInfo judge, int moved) =>
        EncodedEvent.Of(EventTypes.JudgeLeaveStarted, new V1.JudgeLeaveStarted { Judge = Mapping.ToProto(judge), TicketsMoved = moved });

    public static EncodedEvent JudgeLeaveEnded(JudgeInfo judge) =>
        EncodedEvent.Of(EventTypes.JudgeLeaveEnded, new V1.JudgeLeaveEnded { Judge = Mapping.ToProto(judge) });

    /// <summary>A court new to the directory, with everything it came with.</summary>
    public static EncodedEvent CourtImported(CourtInfo court, IEnumerable<DivisionInfo> divisions, IEnumerable<JudgeInfo> judges)
    {
        var imported = new V1.DirectoryCourtImported { Court = Mapping.ToProto(court) };
        imported.Divisions.AddRange(divisions.Select(Mapping.ToProto));
        imported.Judges.AddRange(judges.Select(j => Mapping.ToProto(j)));
        return EncodedEvent.Of("directory.court_imported", imported);
    }

    public static EncodedEvent RoutingRulesSet(string courtId, IEnumerable<RoutingRuleEntry> rules)
    {
        var set = new V1.DirectoryRoutingRulesSet { CourtId = courtId };
        set.Rules.AddRange(rules.Select(Mapping.ToProto));
        return EncodedEvent.Of("directory.routing_rules_set", set);
    }

    /// <summary>The events of a case's upsert: the case, then each node it added.</summary>
    public static ImmutableArray<EncodedEvent> CaseUpserted(CaseRecord upserted, IEnumerable<(CaseNodeInfo Node, NodeTypeText Type)> added)
    {
        var proto = Mapping.ToProto(upserted);
        return [EncodedEvent.Of("case.upserted", new V1.CaseUpserted { Case = proto }), .. added.Select(n => NodeRecorded(proto, n.Node, n.Type))];
    }

    public static EncodedEvent CaseJudgeAssigned(CaseRecord changed, string judgeId, string? reason) =>
        EncodedEvent.Of("case.judge_assigned", new V1.CaseJudgeAssigned { Case = Mapping.ToProto(changed), JudgeId = judgeId, Reason = reason ?? string.Empty });

    public static EncodedEvent CaseMoved(CaseRecord changed, string toCourtId, string? toCaseNumber, string? reason) =>
        EncodedEvent.Of("case.moved", new V1.CaseMoved { Case = Mapping.ToProto(changed), ToCourtId = toCourtId, ToCaseNumber = toCaseNumber ?? string.Empty, Reason = reason ?? string.Empty });

    public static EncodedEvent CaseNodeRecorded(CaseRecord changed, CaseNodeInfo node, NodeTypeText type) => NodeRecorded(Mapping.ToProto(changed), node, type);

    /// <summary>One case.related_notice per party of <paramref name="related"/>, each with the related case's court.</summary>
    public static IEnumerable<(EncodedEvent Event, string CourtId)> CaseRelatedNotices(CaseRecord source, CaseRecord related, bool listed, RelatedNoticeCause cause) =>
        related.Parties.Select((party, i) =>
        {
            var notice = new V1.CaseRelatedNotice
            {
                CaseNumber = related.CaseNumber,
                CourtId = related.CourtId,
                Party = Mapping.ToProto(party),
                SourceCaseNumber = source.CaseNumber,
                SourceCourtId = source.CourtId,
                RelatedBy = listed ? V1.RelatedBy.Listed : V1.RelatedBy.SharedParty,
                Cause = cause.Node is null ? V1.RelatedNoticeCause.Moved : V1.RelatedNoticeCause.Node,
                Node = cause.Node is null ? null : Mapping.ToProto(cause.Node),
                NodeName = cause.Type?.Name ?? string.Empty,
                TemplateKey = cause.Type?.Template ?? string.Empty,
                MovedToCourtId = cause.MovedToCourtId ?? string.Empty,
                MovedToCaseNumber = cause.MovedToCaseNumber ?? string.Empty,
                NoticeKey = $"{cause.Key}|{related.CaseNumber}|{i}",
            };
            return (EncodedEvent.Of(EventTypes.CaseRelatedNotice, notice), related.CourtId);
        });

    /// <summary>One case.hearing_reminder to the party at <paramref name="partyIndex"/> of <paramref name="c"/>, of
    /// <paramref name="hearing"/>; the local time in <paramref name="zone"/> (the court's).</summary>
    public static EncodedEvent CaseHearingReminder(CaseRecord c, string? courtName, PlannedHearing hearing, int partyIndex, TimeZoneInfo zone) =>
        EncodedEvent.Of(EventTypes.CaseHearingReminder, new V1.CaseHearingReminder
        {
            CaseNumber = c.CaseNumber,
            CourtId = c.CourtId,
            CourtName = courtName ?? string.Empty,
            HearingId = hearing.Id,
            HearingAt = Timestamp.FromDateTimeOffset(hearing.At),
            HearingLocalTime = TimeZoneInfo.ConvertTime(hearing.At, zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            Place = hearing.Place ?? string.Empty,
            Party = Mapping.ToProto(c.Parties[partyIndex]),
            ReminderKey = $"{c.CaseNumber}|{hearing.Id}|{hearing.At.ToUnixTimeMilliseconds()}|{partyIndex}",
        });

    public static EncodedEvent CalendarYearSet(StoredCalendar stored) =>
        EncodedEvent.Of(EventTypes.CalendarYearSet, new V1.CalendarYearSet { Stored = CalendarMapping.ToProto(stored) });

    public static EncodedEvent KnowledgeEntryCreated(KnowledgeEntry entry) =>
        EncodedEvent.Of(EventTypes.KnowledgeEntryCreated, new V1.KnowledgeEntryCreated { Entry = KnowledgeMapping.ToProto(entry) });

    public static EncodedEvent KnowledgeEntryUpdated(KnowledgeEntry entry) =>
        EncodedEvent.Of(EventTypes.KnowledgeEntryUpdated, new V1.KnowledgeEntryUpdated { Entry = KnowledgeMapping.ToProto(entry), PreviousVersion = entry.Version - 1 });

    public static EncodedEvent KnowledgeEntryRetired(KnowledgeEntry entry, string reason) =>
        EncodedEvent.Of(EventTypes.KnowledgeEntryRetired, new V1.KnowledgeEntryRetired { Entry = KnowledgeMapping.ToProto(entry), Reason = reason });

    /// <summary>A look-up lockout's event, and the same facts as JSON for the audit log. Never the phone.</summary>
    public static (EncodedEvent Event, string AuditJson) LookupLocked(
        string caseNumber, string? courtId, long caseLockouts, int phoneLockouts, DateTimeOffset lockedUntil, string caller)
    {
        var locked = new V1.CaseLookupLocked
        {
            CaseNumber = caseNumber,
            CourtId = courtId ?? string.Empty,
            CaseLockouts = caseLockouts,
            PhoneLockouts = phoneLockouts,
            LockedUntil = Timestamp.FromDateTimeOffset(lockedUntil),
            Caller = caller,
        };
        return (EncodedEvent.Of(EventTypes.CaseLookupLocked, locked), JsonFormatter.Default.Format(locked));
    }

    /// <summary>A one-time code for the SMS sender: the phone and the code (masked and hidden at the gRPC edge for keys
    /// without the personal-data scope).</summary>
    public static EncodedEvent CodeIssued(string phone, string code, DateTimeOffset expiresAt, string? courtId, string? caseNumber) =>
        EncodedEvent.Of(EventTypes.CallerCodeIssued, new V1.CallerCodeIssued
        {
            Phone = phone,
            Code = code,
            ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt),
            CourtId = courtId ?? string.Empty,
            CaseNumber = caseNumber ?? string.Empty,
        });

    private static EncodedEvent NodeRecorded(V1.Case @case, CaseNodeInfo node, NodeTypeText type) =>
        EncodedEvent.Of("case.node_recorded", new V1.CaseNodeRecorded { Case = @case, Node = Mapping.ToProto(node), NodeName = type.Name, TemplateKey = type.Template });
}
