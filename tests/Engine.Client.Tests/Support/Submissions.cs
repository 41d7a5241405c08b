using Engine.V1;

namespace Engine.Client.Tests.Support;

/// <summary>Requests the tests send, each unique where it has to be.</summary>
public static class Submissions
{
    public const string Court = "sh-pudong";

    /// <summary>A consultation for the platform's staff, with a key and content no other test uses.</summary>
    public static SubmitTicketRequest Consultation(string court = Court) => new()
    {
        IdempotencyKey = "test-" + Guid.NewGuid().ToString("N"),
        Channel = Channel.Web,
        Kind = TicketKind.Consultation,
        CourtId = court,
        Caller = new Caller { Name = "测试", Phone = "13800000001", Role = CallerRole.Party },
        Content = "请问立案需要什么材料 " + Guid.NewGuid().ToString("N"),
    };

    /// <summary>How many tickets of <paramref name="court"/> carry exactly this content.</summary>
    public static async Task<int> CountWithContentAsync(EngineClient client, string court, string content)
    {
        var count = 0;
        await foreach (var ticket in client.ListAllTicketsAsync(new ListTicketsRequest { CourtId = court, PageSize = 500 }))
        {
            count += ticket.Content == content ? 1 : 0;
        }

        return count;
    }
}
