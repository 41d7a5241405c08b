using Engine.Client.Tests.Support;
using Engine.V1;

namespace Engine.Client.Tests;

/// <summary>The knowledge base's calls as staff's desk and a self-service portal make them through the client, against
/// a real engine with the sample directory and its knowledge base (samples/knowledge-base.json) imported at start.</summary>
[Collection(SharedEngineGroup.Name)]
public sealed class KnowledgeCallTests(SharedEngine engine)
{
    private const string FilingMaterials = "kb-filing-002";

    [Fact]
    public async Task Staff_get_suggestions_for_a_consultation_and_answer_on_the_spot_citing_the_entry_they_used()
    {
        using var client = new EngineClient(engine.Server.ClientOptions());
        var submission = Submissions.Consultation();
        submission.Content = "我想在网上立案，需要准备哪些材料？";
        var ticket = (await client.SubmitTicketAsync(submission)).Ticket;

        var suggested = await client.SuggestAnswersAsync(new SuggestAnswersRequest { TicketId = ticket.TicketId });

        var best = suggested.Hits[0];
        Assert.Equal(FilingMaterials, best.Entry.EntryId);
        Assert.True(best.Good);
        Assert.NotEmpty(suggested.SearchId);

        var answered = await client.AnswerOnSpotAsync(new AnswerOnSpotRequest
        {
            TicketId = ticket.TicketId, StaffId = "platform-agent-1", Answer = best.Entry.Content.Answer,
            KnowledgeEntryId = best.Entry.EntryId, KnowledgeEntryVersion = best.Entry.Version,
        });

        Assert.Equal(best.Entry.Content.Answer, answered.Reply);
        var record = (await client.GetTicketAsync(ticket.TicketId)).History.Single(h => h.Action == "answered-on-spot");
        Assert.Equal($"knowledge entry {FilingMaterials} version {best.Entry.Version}", record.Reason);
    }

    [Fact]
    public async Task A_portal_searches_for_a_person_without_a_ticket_and_a_citation_of_a_version_that_never_was_is_refused()
    {
        using var client = new EngineClient(engine.Server.ClientOptions());

        var found = await client.PublicSearchAsync(
            new PublicSearchRequest { Text = "网上立案要准备什么材料", CourtId = Submissions.Court, Channel = Channel.Web },
            endUser: "198.51.100.7");

        Assert.Equal(FilingMaterials, found.Answers[0].EntryId);
        Assert.NotEmpty(found.SearchId);

        var browsed = await client.SearchKnowledgeAsync(new SearchKnowledgeRequest { Text = "网上立案要准备什么材料", CourtId = Submissions.Court, Top = 2 });
        Assert.Equal(2, browsed.Hits.Count);
        Assert.Equal(FilingMaterials, browsed.Hits[0].Entry.EntryId);

        var ticket = (await client.SubmitTicketAsync(Submissions.Consultation())).Ticket;
        var error = await Assert.ThrowsAsync<EngineCallException>(() => client.AnswerOnSpotAsync(new AnswerOnSpotRequest
        {
            TicketId = ticket.TicketId, StaffId = "platform-agent-1", Answer = "见知识库", KnowledgeEntryId = FilingMaterials, KnowledgeEntryVersion = 999,
        }));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, error.StatusCode);
        Assert.Equal(1, error.Attempts);
    }
}
