using System.Collections.Immutable;
using Engine.Contracts;
using Google.Protobuf.WellKnownTypes;
using Engine.Domain.Calendar;
using D = Engine.Domain;
using V1 = Engine.V1;

namespace Engine.ProtoMapping;

/// <summary>Protobuf ↔ engine records: for the gRPC edge, and for event payloads (which are protobuf so that any
/// subscriber can read them). Enum values are equal on both sides by design.</summary>
public static class Mapping
{
    public static Timestamp? ToTimestamp(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    public static DateTimeOffset? FromTimestamp(Timestamp? value) => value?.ToDateTimeOffset();

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <param name="now">For the clock's time left; the ticket's last change when not given (event payloads).</param>
    public static V1.Ticket ToProto(TicketRecord t, DateTimeOffset? now = null)
    {
        var ticket = new V1.Ticket
        {
            TicketId = t.TicketId,
            State = (V1.TicketState)t.State,
            Channel = (V1.Channel)t.Channel,
            Kind = (V1.TicketKind)t.Kind,
            SubKind = (V1.TicketSubKind)t.SubKind,
            CourtId = t.CourtId ?? string.Empty,
            CaseNumber = t.CaseNumber ?? string.Empty,
            Assignee = ToProto(t.Assignee),
            Mode = (V1.TicketMode)t.Mode,
            CreatedAt = Timestamp.FromDateTimeOffset(t.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(t.UpdatedAt),
            IdempotencyKey = t.IdempotencyKey,
            Caller = ToProto(t.Caller),
            Content = t.Content,
            Priority = (V1.Priority)t.Priority,
            Routing = ToProto(t.Routing),
            Reply = t.Reply ?? string.Empty,
            Version = t.Version,
            MergedInto = t.MergedInto ?? string.Empty,
            CallbackOf = t.CallbackOf ?? string.Empty,
            RepliedBy = t.RepliedBy ?? string.Empty,
            RepliedAt = ToTimestamp(t.RepliedAt),
            ClosedAt = ToTimestamp(t.ClosedAt),
            TransferCount = t.TransferCount,
            ReturnCount = t.ReturnCount,
            ReopenCount = t.ReopenCount,
            DelegatedFrom = t.DelegatedFrom ?? string.Empty,
            Callback = t.Callback is { } c ? ToProto(c) : null,
            ReplyDelivery = (V1.ReplyDelivery)t.Delivery,
            DeliveredAt = ToTimestamp(t.DeliveredAt),
            FilingDecision = t.FilingDecision is { } f ? ToProto(f) : null,
        };
        ticket.Ratings.AddRange(t.Ratings.Select(ToProto));
        ticket.MergedTicketIds.AddRange(t.MergedTicketIds);
        ticket.Attachments.AddRange(t.Attachments);
        if (t.Deadlines is { } deadlines)
        {
            AddDeadlines(ticket, deadlines, now ?? t.UpdatedAt);
        }

        foreach (var h in t.History)
        {
            ticket.History.Add(new V1.HistoryEntry
            {
                At = Timestamp.FromDateTimeOffset(h.At),
                Actor = h.Actor,
                Action = h.Action,
                FromState = (V1.TicketState)h.FromState,
                ToState = (V1.TicketState)h.ToState,
                Reason = h.Reason ?? string.Empty,
                Assignee = h.Assignee is null ? null : ToProto(h.Assignee),
            });
        }

        return ticket;
    }

    public static V1.RoutingExplanation ToProto(RoutingInfo routing) => new() { Rule = routing.Rule, Detail = routing.Detail };

    public static V1.Caller ToProto(CallerInfo c) => new() { Name = c.Name, Phone = c.Phone, Role = (V1.CallerRole)c.Role };

    public static V1.Rating ToProto(RatingRecord r) => new()
    {
        Source = (V1.RatingSource)r.Source,
        Rater = r.Rater,
        ServiceSatisfaction = (V1.Satisfaction)r.Service,
        ResultSatisfaction = (V1.Satisfaction)r.Result,
        Comment = r.Comment ?? string.Empty,
        StaffId = r.StaffId ?? string.Empty,
        StaffSubject = (V1.RatedSubject)r.StaffSubject,
        WindowId = r.WindowId ?? string.Empty,
        At = Timestamp.FromDateTimeOffset(r.At),
        Actor = r.Actor,
    };

    public static V1.FilingDecision ToProto(FilingDecisionRecord f) => new()
    {
        Outcome = (V1.FilingOutcome)f.Outcome,
        Reason = f.Reason ?? string.Empty,
        CaseNumber = f.CaseNumber ?? string.Empty,
        Actor = f.Actor,
        At = Timestamp.FromDateTimeOffset(f.At),
        OnTime = f.OnTime,
    };

    public static V1.CallbackOutcome ToProto(CallbackResult c) => new()
    {
        ServiceSatisfaction = (V1.Satisfaction)c.Service,
        ResultSatisfaction = (V1.Satisfaction)c.Result,
        Note = c.Note ?? string.Empty,
        Actor = c.Actor,
        At = Timestamp.FromDateTimeOffset(c.At),
    };

    public static V1.DeadlineKind ToProto(DeadlineStep step) => step switch
    {
        DeadlineStep.Warning => V1.DeadlineKind.Warning,
        DeadlineStep.Urging => V1.DeadlineKind.Reply,
        DeadlineStep.Supervision => V1.DeadlineKind.Supervision,
        _ => V1.DeadlineKind.SpecialSupervision,
    };

    public static V1.Recipient ToProto(Recipient r) => new() { Role = (V1.RecipientRole)r.Role, Id = r.Id };

    public static V1.DeadlineExtension ToProto(DeadlineExtension e) => new()
    {
        Clock = e.Clock,
        At = Timestamp.FromDateTimeOffset(e.At),
        Actor = e.Actor,
        Approver = e.Approver,
        Reason = e.Reason,
        From = Timestamp.FromDateTimeOffset(e.From),
        To = Timestamp.FromDateTimeOffset(e.To),
    };

    public static V1.Deadline ToProto(TakenStep s)
    {
        var step = new V1.Deadline { Kind = ToProto(s.Step), DueAt = Timestamp.FromDateTimeOffset(s.DueAt), FiredAt = Timestamp.FromDateTimeOffset(s.FiredAt), Clock = s.Clock };
        step.Recipients.AddRange(s.Recipients.Select(ToProto));
        return step;
    }

    private static void AddDeadlines(V1.Ticket ticket, TicketDeadlines deadlines, DateTimeOffset now)
    {
        var steps = deadlines.Taken.Select(ToProto).ToList();
        if (deadlines.Clock is { } clock)
        {
            steps.AddRange(clock.Pending.Select(p => new V1.Deadline { Kind = ToProto(p.Step), DueAt = Timestamp.FromDateTimeOffset(p.DueAt), Clock = clock.Number, Provisional = p.Provisional }));
            ticket.Clock = ToProto(clock, now);
        }

        ticket.Deadlines.AddRange(steps.OrderBy(d => d.DueAt).ThenBy(d => d.Clock));
        ticket.Extensions.AddRange(deadlines.Extensions.Select(ToProto));
    }

    /// <param name="now">For the time left, when the clock is neither stopped nor paused.</param>
    public static V1.ReplyClock ToProto(DeadlineClock clock, DateTimeOffset now)
    {
        var asOf = clock.StoppedAt ?? clock.PausedAt ?? now;
        var proto = new V1.ReplyClock
        {
            Number = clock.Number,
            Cause = (V1.ClockCause)clock.Cause,
            StartedAt = Timestamp.FromDateTimeOffset(clock.StartedAt),
            ReplyDueAt = clock.Problem is null ? Timestamp.FromDateTimeOffset(clock.ReplyDueAt) : null,
            PausedAt = ToTimestamp(clock.PausedAt),
            StoppedAt = ToTimestamp(clock.StoppedAt),
            Problem = clock.Problem ?? string.Empty,
            TimeLeft = clock.Problem is null ? Duration.FromTimeSpan(clock.ReplyDueAt - asOf) : null,
            CountsWorkingTime = clock.CountsWorkingTime,
            ReplyDueProvisional = clock.ReplyProvisional,
            CalendarVersion = clock.CalendarVersion,
        };
        proto.ProvisionalYears.AddRange(clock.ProvisionalYears);
        return proto;
    }

    public static V1.Assignee ToProto(Assignee a) =>
        new() { Type = (V1.AssigneeType)a.Type, Id = a.Id, CourtId = a.CourtId ?? string.Empty };

    public static V1.Court ToProto(CourtInfo c) => new()
    {
        CourtId = c.CourtId,
        Name = c.Name,
        ShortName = c.ShortName ?? string.Empty,
        Level = (V1.CourtLevel)c.Level,
        ParentCourtId = c.ParentCourtId ?? string.Empty,
        FilingDivisionId = c.FilingDivisionId ?? string.Empty,
        ServiceOfficeId = c.ServiceOfficeId ?? string.Empty,
        SubPlatformId = c.EffectiveSubPlatformId,
        HotlineShare = c.HotlineShare,
    };

    public static CourtInfo FromProto(V1.Court c, IEnumerable<DivisionInfo> divisions)
    {
        var list = divisions.ToList();
        return new CourtInfo(
            c.CourtId, c.Name, NullIfEmpty(c.ShortName), (D.CourtLevel)c.Level, NullIfEmpty(c.ParentCourtId),
            NullIfEmpty(c.FilingDivisionId) ?? list.FirstOrDefault(d => d.Role == D.DivisionRole.Filing)?.DivisionId,
            NullIfEmpty(c.ServiceOfficeId) ?? list.FirstOrDefault(d => d.Role == D.DivisionRole.ServiceOffice)?.DivisionId,
            NullIfEmpty(c.SubPlatformId), c.HotlineShare);
    }

    public static V1.Division ToProto(DivisionInfo d) => new()
    {
        CourtId = d.CourtId,
        DivisionId = d.DivisionId,
        Name = d.Name,
        Role = (V1.DivisionRole)d.Role,
        HeadJudgeId = d.HeadJudgeId ?? string.Empty,
        VicePresidentId = d.VicePresidentId ?? string.Empty,
    };

    public static DivisionInfo FromProto(V1.Division d) => new(
        d.CourtId, d.DivisionId, d.Name, (D.DivisionRole)d.Role, NullIfEmpty(d.HeadJudgeId), NullIfEmpty(d.VicePresidentId));

    /// <summary>A court of an import, with the fields it leaves unset named (they keep their stored values; the
    /// filing division, service office and sub-platform, which an import cannot name, always do).</summary>
    public static CourtImport FromProto(V1.ImportCourt c, IReadOnlyList<V1.ImportDivision> divisions)
    {
        var infos = divisions.Select(FromProto).ToList();
        var court = new V1.Court { CourtId = c.Id, Name = c.Name, ShortName = c.Short, Level = c.Level, ParentCourtId = c.Parent, HotlineShare = c.HotlineShare };
        var absent = CourtFields.FilingDivisionId | CourtFields.ServiceOfficeId | CourtFields.SubPlatformId
            | (c.HasShort ? 0 : CourtFields.ShortName)
            | (c.HasLevel ? 0 : CourtFields.Level)
            | (c.HasParent ? 0 : CourtFields.ParentCourtId)
            | (c.HasHotlineShare ? 0 : CourtFields.HotlineShare);
        var absentFromDivisions = ImmutableDictionary.CreateBuilder<string, DivisionFields>(StringComparer.Ordinal);
        foreach (var d in divisions)
        {
            absentFromDivisions[d.DivisionId] = (d.HasHeadJudgeId ? 0 : DivisionFields.HeadJudgeId) | (d.HasVicePresidentId ? 0 : DivisionFields.VicePresidentId);
        }

        return new CourtImport(FromProto(court, infos), [.. infos], absent, absentFromDivisions.ToImmutable());
    }

    public static DivisionInfo FromProto(V1.ImportDivision d) => new(
        d.CourtId, d.DivisionId, d.Name, (D.DivisionRole)d.Role, NullIfEmpty(d.HeadJudgeId), NullIfEmpty(d.VicePresidentId));

    /// <summary>A person of an import; the availability is not imported.</summary>
    public static JudgeInfo FromProto(V1.ImportJudge j) => new(
        j.JudgeId, j.Name, j.CourtId, NullIfEmpty(j.DivisionId), (D.JudgeRole)j.Role, AvailabilityInfo.Available);

    /// <summary>The person's fields an import leaves unset (they keep their stored values).</summary>
    public static JudgeFields Absent(V1.ImportJudge j) =>
        (j.HasDivisionId ? 0 : JudgeFields.DivisionId) | (j.HasRole ? 0 : JudgeFields.Role);

    public static V1.GetJudgeResponse ToProto(JudgeView view) => new()
    {
        Judge = ToProto(view.Judge, view.Workload.Open),
        Workload = new V1.JudgeWorkload
        {
            OpenTickets = view.Workload.Open, DueToday = view.Workload.DueToday, Overdue = view.Workload.Overdue,
            Urged = view.Workload.Urged, RepliedThisWeek = view.Workload.RepliedThisWeek,
        },
        OnLeave = view.OnLeave,
        NextListAt = ToTimestamp(view.NextListAt),
        LastListDay = view.LastListDay ?? string.Empty,
        NextWakeAt = ToTimestamp(view.NextWakeAt),
    };

    public static V1.Judge ToProto(JudgeInfo j, int openTickets = 0) => new()
    {
        JudgeId = j.JudgeId,
        Name = j.Name,
        CourtId = j.CourtId,
        DivisionId = j.DivisionId ?? string.Empty,
        Role = (V1.JudgeRole)j.Role,
        Availability = ToProto(j.Availability),
        OpenTickets = openTickets,
    };

    public static JudgeInfo FromProto(V1.Judge j) => new(
        j.JudgeId, j.Name, j.CourtId, NullIfEmpty(j.DivisionId), (D.JudgeRole)j.Role, FromProto(j.Availability));

    public static V1.Availability ToProto(AvailabilityInfo a) => new()
    {
        LeaveFrom = ToTimestamp(a.LeaveFrom),
        LeaveTo = ToTimestamp(a.LeaveTo),
        DelegateJudgeId = a.DelegateJudgeId ?? string.Empty,
    };

    public static AvailabilityInfo FromProto(V1.Availability? a) => a is null
        ? AvailabilityInfo.Available
        : new AvailabilityInfo(FromTimestamp(a.LeaveFrom), FromTimestamp(a.LeaveTo), NullIfEmpty(a.DelegateJudgeId));

    public static V1.Case ToProto(CaseRecord c)
    {
        var proto = new V1.Case
        {
            CaseNumber = c.CaseNumber,
            CourtId = c.CourtId,
            DivisionId = c.DivisionId ?? string.Empty,
            PresidingJudgeId = c.PresidingJudgeId ?? string.Empty,
            Status = (V1.CaseStatus)c.Status,
            MovedToCourtId = c.MovedToCourtId ?? string.Empty,
            MovedToCaseNumber = c.MovedToCaseNumber ?? string.Empty,
            Version = c.Version,
        };
        proto.Parties.AddRange(c.Parties.Select(ToProto));
        proto.Nodes.AddRange(c.Nodes.Select(ToProto));
        proto.RelatedCases.AddRange(c.RelatedCases);
        return proto;
    }

    public static V1.Party ToProto(PartyInfo p) =>
        new() { Name = p.Name, Role = (V1.PartyRole)p.Role, Phone = p.Phone ?? string.Empty, IdNumber = p.IdNumber ?? string.Empty };

    public static V1.CaseNode ToProto(CaseNodeInfo n) => new()
    {
        Type = (V1.CaseNodeType)n.Type,
        At = Timestamp.FromDateTimeOffset(n.At),
        Detail = n.Detail ?? string.Empty,
        Public = n.Public,
        NodeType = n.TypeId,
        Hearing = n.Hearing is { } h ? ToProto(h) : null,
    };

    public static V1.Hearing ToProto(HearingInfo h) => new()
    {
        At = h.At is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        Place = h.Place ?? string.Empty,
        HearingId = h.HearingId ?? string.Empty,
    };

    public static HearingInfo? FromProto(V1.Hearing? h) =>
        h is null ? null : new HearingInfo(h.At?.ToDateTimeOffset(), NullIfEmpty(h.Place), NullIfEmpty(h.HearingId));

    /// <summary>A request's node: its catalogue id is node_type, or the id of its enum type when it gives none.</summary>
    public static CaseNodeInfo FromProto(V1.CaseNode n) => n.NodeType.Length > 0
        ? new CaseNodeInfo(D.ProgressNodeIds.Legacy(n.NodeType), n.At.ToDateTimeOffset(), NullIfEmpty(n.Detail), n.Public, n.NodeType, FromProto(n.Hearing))
        : new CaseNodeInfo((D.CaseNodeType)n.Type, n.At.ToDateTimeOffset(), NullIfEmpty(n.Detail), n.Public, null, FromProto(n.Hearing)).Canonical();

    public static V1.RoutingRule ToProto(Domain.Routing.RoutingRuleEntry r) => new()
    {
        RuleId = r.RuleId,
        Kind = (V1.TicketKind)r.Kind,
        SubKind = (V1.TicketSubKind)r.SubKind,
        CaseDivisionId = r.CaseDivisionId ?? string.Empty,
        TargetType = (V1.AssigneeType)r.TargetType,
        TargetId = r.TargetId,
    };

    public static ImmutableArray<PartyInfo> FromProto(IEnumerable<V1.Party> parties) =>
        [.. parties.Select(p => new PartyInfo(p.Name, (D.PartyRole)p.Role, NullIfEmpty(p.Phone), NullIfEmpty(p.IdNumber)))];
}
