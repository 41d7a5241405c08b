using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>EventService.Subscribe: catch-up, live tail, resume, filters, heartbeats, bad requests.</summary>
public sealed class EventStreamTests : IClassFixture<EventStreamTests.Engine>
{
    private static readonly TimeSpan Patience = EventStreams.Patience;
    private readonly EngineInstance _engine;

    public EventStreamTests(Engine engine) => _engine = engine.Instance;

    private V1.EventService.EventServiceClient Events => new(_engine.Channel);

    [Fact]
    public async Task A_subscriber_catches_up_then_sees_new_tickets_live_in_sequence_order()
    {
        var court = "sh-fengxian";
        var before = await SubmitManyAsync(court, 3);
        using var call = Events.Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { court } } });

        var caughtUp = await EventStreams.ReadEventsAsync(call, e => before.All(id => e.Any(x => x.AggregateId == id && x.EventType == "ticket.routed")));
        var live = (await SubmitManyAsync(court, 1)).Single();
        var all = await EventStreams.ReadEventsAsync(call, e => e.Any(x => x.AggregateId == live && x.EventType == "ticket.routed"), caughtUp);

        AssertStrictlyIncreasing(all);
        Assert.Equal(["ticket.received", "ticket.routed"], all.Where(e => e.AggregateId == live).Select(e => e.EventType));
        var routed = all.Last(e => e.AggregateId == live).Payload.Unpack<V1.TicketRouted>();
        Assert.Equal(live, routed.Header.TicketId);
        Assert.Equal("sub-platform", routed.Rule);
        Assert.All(all, e => Assert.Equal(court, e.CourtId));
    }

    [Fact]
    public async Task Resuming_after_a_disconnect_sees_every_event_once_in_order()
    {
        var court = "sh-putuo";
        await SubmitManyAsync(court, 4);
        var filter = new V1.EventFilter { CourtIds = { court }, Kinds = { V1.TicketKind.Consultation } };
        List<V1.Event> first;
        using (var call = Events.Subscribe(new V1.SubscribeRequest { Filter = filter }))
        {
            first = await EventStreams.ReadEventsAsync(call, e => e.Count >= 3);
        }

        var more = await SubmitManyAsync(court, 3);
        var resumeFrom = first[2].Sequence;
        using var resumed = Events.Subscribe(new V1.SubscribeRequest { FromSequence = resumeFrom, Filter = filter });
        var rest = await EventStreams.ReadEventsAsync(resumed, e => more.All(id => e.Any(x => x.AggregateId == id && x.EventType == "ticket.routed")));
        using var whole = Events.Subscribe(new V1.SubscribeRequest { Filter = filter });
        var everything = await EventStreams.ReadEventsAsync(whole, e => e.Count >= 14);

        Assert.Equal(everything.Select(e => e.Sequence), first.Take(3).Concat(rest).Select(e => e.Sequence));
    }

    [Fact]
    public async Task The_seam_between_catch_up_and_live_has_no_gap_and_no_repeat_under_concurrent_writes()
    {
        var court = "sh-hongkou";
        await SubmitManyAsync(court, 20);
        var filter = new V1.EventFilter { CourtIds = { court }, EventTypes = { "ticket.routed" } };
        using var call = Events.Subscribe(new V1.SubscribeRequest { Filter = filter });

        var writing = SubmitManyAsync(court, 100, parallel: true);
        var seen = await EventStreams.ReadEventsAsync(call, e => e.Count >= 120);
        await writing;

        AssertStrictlyIncreasing(seen);
        Assert.Equal(120, seen.Select(e => e.AggregateId).Distinct().Count());
        using var again = Events.Subscribe(new V1.SubscribeRequest { Filter = filter });
        Assert.Equal(seen.Select(e => e.Sequence), (await EventStreams.ReadEventsAsync(again, e => e.Count >= 120)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_slows_neither_intake_nor_other_subscribers()
    {
        var court = "sh-railway";
        var filter = new V1.EventFilter { CourtIds = { court }, Kinds = { V1.TicketKind.Consultation } };
        using var stalled = Events.Subscribe(new V1.SubscribeRequest { Filter = filter });
        Assert.True(await stalled.ResponseStream.MoveNext(CancellationToken.None));
        using var reading = Events.Subscribe(new V1.SubscribeRequest { Filter = filter });

        var ids = await SubmitManyAsync(court, 300, parallel: true);
        var seen = await EventStreams.ReadEventsAsync(reading, e => ids.All(id => e.Any(x => x.AggregateId == id && x.EventType == "ticket.routed")));

        Assert.Equal(600, seen.Count);
    }

    [Fact]
    public async Task Filters_select_by_event_type_and_kind()
    {
        var court = "sh-baoshan";
        await SubmitManyAsync(court, 2);
        var filing = Requests.ContactJudge(string.Empty);
        (filing.Kind, filing.SubKind, filing.CourtId) = (V1.TicketKind.OnlineFiling, V1.TicketSubKind.FilingApplication, court);
        var filed = (await _engine.Intake.SubmitTicketAsync(filing)).Ticket.TicketId;
        using var call = Events.Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { Kinds = { V1.TicketKind.OnlineFiling }, EventTypes = { "ticket.received" }, CourtIds = { court } },
        });

        var seen = await EventStreams.ReadEventsAsync(call, e => e.Any(x => x.AggregateId == filed));

        var only = Assert.Single(seen);
        Assert.Equal("ticket.received", only.EventType);
        Assert.Equal(V1.TicketKind.OnlineFiling, only.Kind);
    }

    [Fact]
    public async Task An_idle_stream_gets_heartbeats_that_carry_the_head_of_the_log()
    {
        await SubmitManyAsync("sh-chongming", 1);
        using var call = Events.Subscribe(new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { "sh-nobody-writes-here" } } });
        using var timeout = new CancellationTokenSource(Patience);

        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(V1.SubscribeResponse.ItemOneofCase.Heartbeat, call.ResponseStream.Current.ItemCase);
        Assert.True(call.ResponseStream.Current.Heartbeat.HeadSequence > 0);
    }

    [Fact]
    public async Task A_stopping_engine_ends_open_streams_with_unavailable_and_the_sequence_to_resume_from()
    {
        await using var engine = await EngineInstance.StartAsync(null, "--Engine:Events:HeartbeatInterval=00:00:00.200");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{engine.GrpcPort}");
        using var call = new V1.EventService.EventServiceClient(channel).Subscribe(new V1.SubscribeRequest());
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the stream is live: a heartbeat came");
        var reading = call.ResponseStream.MoveNext(timeout.Token);

        // A graceful stop does not wait for the subscriber to go away.
        var stopping = engine.StopAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await reading)
            {
                reading = call.ResponseStream.MoveNext(timeout.Token);
            }
        });
        await stopping;

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains("subscribe again from sequence", ended.Status.Detail);
    }

    [Fact]
    public async Task A_stop_waits_neither_for_heartbeats_nor_for_a_subscriber_that_stopped_reading()
    {
        // The longest interval allowed, with a host that waits 30 s for open requests: a stop that waited for a
        // grain's wait to time out, or for a write to a subscriber that does not read, would take 25 s or 30 s.
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync("--Engine:Events:HeartbeatInterval=00:00:25");
        var caseNumber = SharedEngine.NewCaseNumber("沪0106");
        await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{engine.GrpcPort}");
        var events = new V1.EventService.EventServiceClient(channel);
        var oneCourt = new V1.SubscribeRequest { Filter = new V1.EventFilter { CourtIds = { "sh-jingan" } } };
        // Caught up and waiting for more: its court's events were all sent.
        using var waiting = events.Subscribe(oneCourt);
        await EventStreams.ReadEventsAsync(waiting, e => e.Count > 0);
        // Waiting too when it went away.
        using (var gone = events.Subscribe(oneCourt))
        {
            await EventStreams.ReadEventsAsync(gone, e => e.Count > 0);
        }

        // From the start of the log (the directory's import: more events than a stream's flow-control window holds),
        // reading one and no more: the window fills and the engine's write waits.
        using var stalled = events.Subscribe(new V1.SubscribeRequest());
        await EventStreams.ReadEventsAsync(stalled, e => e.Count > 0);

        await engine.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_with_the_reason()
    {
        await ExpectAsync(StatusCode.InvalidArgument, new V1.SubscribeRequest { Filter = new V1.EventFilter { EventTypes = { "ticket.exploded" } } }, "filter.event_types[0]");
        await ExpectAsync(StatusCode.InvalidArgument, new V1.SubscribeRequest { Filter = new V1.EventFilter { Kinds = { (V1.TicketKind)42 } } }, "filter.kinds[0]");
        await ExpectAsync(StatusCode.InvalidArgument, new V1.SubscribeRequest { FromSequence = -1 }, "from_sequence");
        var beyond = await ExpectAsync(StatusCode.OutOfRange, new V1.SubscribeRequest { FromSequence = long.MaxValue / 2 }, null);
        Assert.Contains("earliest available sequence is 1", beyond.Status.Detail, StringComparison.Ordinal);
        await ExpectAsync(StatusCode.InvalidArgument, new V1.SubscribeRequest { Subscription = "not a name!" }, "subscription");
        await ExpectAsync(StatusCode.InvalidArgument, new V1.SubscribeRequest { MemberCount = 2, MemberIndex = 5 }, "member_index");
        await RpcAssert.StatusAsync(StatusCode.NotFound, async () => await Events.GetCursorAsync(new V1.GetCursorRequest { Subscription = "never-committed" }));
        await RpcAssert.InvalidFieldAsync("sequence", async () => await Events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = "sms", Sequence = long.MaxValue }));
    }

    [Fact]
    public async Task A_named_subscription_resumes_after_the_cursor_it_committed()
    {
        var court = "sh-qingpu";
        await SubmitManyAsync(court, 3);
        var filter = new V1.EventFilter { CourtIds = { court } };
        long committed;
        using (var call = Events.Subscribe(new V1.SubscribeRequest { Subscription = "sms-sender", Filter = filter }))
        {
            var first = await EventStreams.ReadEventsAsync(call, e => e.Count >= 4);
            committed = (await Events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = "sms-sender", Sequence = first[3].Sequence })).Sequence;
            Assert.Equal(first[3].Sequence, committed);
        }

        Assert.Equal(committed, (await Events.GetCursorAsync(new V1.GetCursorRequest { Subscription = "sms-sender" })).Sequence);
        Assert.Equal(committed, (await Events.CommitCursorAsync(new V1.CommitCursorRequest { Subscription = "sms-sender", Sequence = 1 })).Sequence);
        using var resumed = Events.Subscribe(new V1.SubscribeRequest { Subscription = "sms-sender", FromSequence = 0, Filter = filter });
        var rest = await EventStreams.ReadEventsAsync(resumed, e => e.Count >= 2);
        Assert.True(rest[0].Sequence > committed, $"resumed at {rest[0].Sequence}, cursor was {committed}");
    }

    [Fact]
    public async Task A_consumer_group_gets_each_event_once_with_each_tickets_events_on_one_member()
    {
        var court = "sh-jiading";
        var ids = await SubmitManyAsync(court, 12);
        var filter = new V1.EventFilter { CourtIds = { court }, Kinds = { V1.TicketKind.Consultation } };
        var members = new List<List<V1.Event>>();
        for (var member = 0; member < 3; member++)
        {
            using var call = Events.Subscribe(new V1.SubscribeRequest { Filter = filter, MemberCount = 3, MemberIndex = member });
            members.Add(await ReadUntilIdleAsync(call));
        }

        var all = members.SelectMany(m => m).ToList();
        Assert.Equal(24, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Sequence).Distinct().Count());
        Assert.All(ids, id => Assert.Single(members, m => m.Any(e => e.AggregateId == id)));
        Assert.All(members, m => AssertStrictlyIncreasing(m));
    }

    /// <summary>Reads events until the first heartbeat, which says the member is caught up.</summary>
    private static async Task<List<V1.Event>> ReadUntilIdleAsync(AsyncServerStreamingCall<V1.SubscribeResponse> call)
    {
        var events = new List<V1.Event>();
        using var timeout = new CancellationTokenSource(Patience);
        while (await call.ResponseStream.MoveNext(timeout.Token) && call.ResponseStream.Current.ItemCase == V1.SubscribeResponse.ItemOneofCase.Event)
        {
            events.Add(call.ResponseStream.Current.Event);
        }

        return events;
    }

    private async Task<RpcException> ExpectAsync(StatusCode code, V1.SubscribeRequest request, string? field)
    {
        using var call = Events.Subscribe(request);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(code, ex.StatusCode);
        if (field is not null)
        {
            RpcAssert.AssertInvalidField(ex, field);
        }

        return ex;
    }

    /// <summary>Reads events (skipping heartbeats) until <paramref name="enough"/> holds, or fails after a while.</summary>
    private static void AssertStrictlyIncreasing(List<V1.Event> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Sequence > events[i - 1].Sequence, $"sequence {events[i].Sequence} came after {events[i - 1].Sequence}");
        }
    }

    private async Task<List<string>> SubmitManyAsync(string court, int count, bool parallel = false)
    {
        async Task<string> One()
        {
            var request = Requests.ContactJudge(string.Empty);
            (request.Kind, request.SubKind, request.CourtId) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, court);
            return (await _engine.Intake.SubmitTicketAsync(request)).Ticket.TicketId;
        }

        if (parallel)
        {
            return [.. await Task.WhenAll(Enumerable.Range(0, count).Select(_ => One()))];
        }

        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await One());
        }

        return ids;
    }

    public sealed class Engine : IAsyncLifetime
    {
        public EngineInstance Instance { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Instance = await EngineInstance.StartWithSampleDirectoryAsync("--Engine:Events:HeartbeatInterval=00:00:01");

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
