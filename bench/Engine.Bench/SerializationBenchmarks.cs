using BenchmarkDotNet.Attributes;
using Engine.Contracts;
using Engine.Contracts.Tickets;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Engine.Storage.Events;

namespace Engine.Bench;

/// <summary>
/// What every ticket change pays in serialization: the ticket record as stored (Orleans binary, the tickets table's
/// payload column) both ways, and the change's event (the protobuf payload with the whole ticket, packed in an Any).
/// The ticket is a typical dispatched one: caller, content, three history entries and a deadline ladder.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private ServiceProvider _services = null!;
    private Serializer<TicketRecord> _serializer = null!;
    private TicketRecord _ticket = null!;
    private TicketTransition _reply = null!;
    private byte[] _stored = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        _serializer = _services.GetRequiredService<Serializer<TicketRecord>>();
        _ticket = Sample();
        const string Reply = "您好，案件已排期，开庭传票将于近日送达。";
        _reply = new TicketTransition(_ticket, _ticket with { Version = 2, State = TicketState.Replied, Reply = Reply }, [new TicketReplied("judge-1", Reply, ReplyDelivery.PhoneCall, _ticket.CreatedAt)]);
        _stored = _serializer.SerializeToArray(_ticket);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public int SerializeTicket() => _serializer.SerializeToArray(_ticket).Length;

    [Benchmark]
    public long DeserializeTicket() => _serializer.Deserialize(_stored)!.Version;

    [Benchmark]
    public int TicketEvent() => TicketEvents.Rows(_reply)[0].Payload.Length;

    private static TicketRecord Sample()
    {
        var at = new DateTimeOffset(2025, 3, 10, 9, 0, 0, TimeSpan.FromHours(8));
        var judge = new Assignee(AssigneeType.Judge, "sh-pudong/civil-1/1", "sh-pudong");
        var policy = DeadlinePolicy.DefaultFor(TicketKind.ContactJudge);
        var deadlines = new TicketDeadlines(
            new DeadlineClock(1, ClockCause.Received, at, at.AddDays(1), true, [.. policy.Ladder(at, SampleCalendar.Load()).Select(s => new PendingStep(s.Step, s.DueAt))]), [], []);
        return new TicketRecord
        {
            TicketId = "T01JQ7Z8Y3M4N5P6Q7R8S9T0VW",
            Version = 1,
            IdempotencyKey = "c6acc3c9d18f4fad9b4f1fc285733f3d",
            Channel = Channel.Hotline,
            Kind = TicketKind.ContactJudge,
            SubKind = TicketSubKind.ContactProgressInquiry,
            CourtId = "sh-pudong",
            CaseNumber = "(2025)沪0115民初12345号",
            Caller = new CallerInfo("测试当事人", "13800000001", CallerRole.Party),
            Content = "请转告承办法官，我已补充提交证据材料，请问何时开庭？",
            State = TicketState.Accepted,
            Mode = TicketMode.Dispatched,
            Assignee = judge,
            Routing = new RoutingInfo("presiding-judge", "judge sh-pudong/civil-1/1 presides over the case."),
            CreatedAt = at,
            UpdatedAt = at.AddHours(1),
            History =
            [
                new HistoryEntry(at, "channel:hotline", "received", TicketState.Unspecified, TicketState.Received, null, null),
                new HistoryEntry(at, "engine", "dispatched", TicketState.Received, TicketState.Dispatched, "presiding-judge: judge sh-pudong/civil-1/1 presides over the case.", judge),
                new HistoryEntry(at.AddHours(1), "sh-pudong/civil-1/1", "accepted", TicketState.Dispatched, TicketState.Accepted, null, judge),
            ],
            Deadlines = deadlines,
        };
    }
}
