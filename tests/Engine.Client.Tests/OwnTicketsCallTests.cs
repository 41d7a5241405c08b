using System.Globalization;
using Engine.Client.Tests.Support;
using Engine.V1;
using Grpc.Core;

namespace Engine.Client.Tests;

/// <summary>A caller's own tickets as a channel adapter asks for them through the client (docs/decisions.md, entry 58):
/// a one-time code texted through the event stream, then the phone's tickets a page at a time, against a real
/// engine. Each test uses a phone of its own, so that the shared engine's other tickets are not its.</summary>
[Collection(SharedEngineGroup.Name)]
public sealed class OwnTicketsCallTests(SharedEngine engine)
{
    [Fact]
    public async Task A_caller_asks_for_a_code_and_pages_through_their_own_tickets_newest_first()
    {
        using var client = new EngineClient(engine.Server.ClientOptions());
        var phone = NewPhone();
        var older = (await client.SubmitTicketAsync(Of(phone))).Ticket;
        var newer = (await client.SubmitTicketAsync(Of(phone))).Ticket;

        var asked = await client.RequestLookupCodeAsync(new RequestLookupCodeRequest { Phone = phone, CourtId = Submissions.Court }, endUser: "198.51.100.7");
        var code = await CodeTextedToAsync(client, phone);
        var first = await client.LookupMyTicketsAsync(new LookupMyTicketsRequest { Phone = phone, Code = code, PageSize = 1 }, endUser: "198.51.100.7");
        var second = await client.LookupMyTicketsAsync(new LookupMyTicketsRequest { Phone = phone, PageToken = first.NextPageToken }, endUser: "198.51.100.7");

        Assert.Equal(TimeSpan.FromMinutes(10), asked.CodeLifetime.ToTimeSpan());
        Assert.Equal([newer.TicketId, older.TicketId], first.Tickets.Concat(second.Tickets).Select(t => t.TicketId));
        Assert.Equal(string.Empty, second.NextPageToken);
    }

    [Fact]
    public async Task A_refused_look_up_is_answered_once_and_not_tried_again()
    {
        using var client = new EngineClient(engine.Server.ClientOptions());
        var phone = NewPhone();
        await client.SubmitTicketAsync(Of(phone));

        var error = await Assert.ThrowsAsync<EngineCallException>(() =>
            client.LookupMyTicketsAsync(new LookupMyTicketsRequest { Phone = phone, Code = "123456" }));

        Assert.Equal((StatusCode.NotFound, "no tickets match this phone and proof", 1, false), (error.StatusCode, error.Status.Detail, error.Attempts, error.OutcomeUnknown));
    }

    /// <summary>A mobile number no other test uses.</summary>
    private static string NewPhone() => "139" + Random.Shared.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    private static SubmitTicketRequest Of(string phone)
    {
        var request = Submissions.Consultation();
        request.Caller.Phone = phone;
        return request;
    }

    /// <summary>The code the SMS sender would text to <paramref name="phone"/>: read from the log's caller.code_issued
    /// events (from the start, so none is missed).</summary>
    private static async Task<string> CodeTextedToAsync(EngineClient client, string phone)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = client.Events.Subscribe(
            new SubscribeRequest { Filter = new EventFilter { EventTypes = { "caller.code_issued" } } }, cancellationToken: timeout.Token);
        while (await stream.ResponseStream.MoveNext(timeout.Token))
        {
            if (stream.ResponseStream.Current.Event?.Payload.Unpack<CallerCodeIssued>() is { } issued && issued.Phone == phone)
            {
                return issued.Code;
            }
        }

        throw new InvalidOperationException($"the stream ended before a code was issued to the test's phone");
    }
}
