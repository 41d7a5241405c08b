using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;

namespace Engine.Tests.Grains;

[Collection(SharedEngineCluster.Name)]
public sealed class TicketGrainTests(EngineCluster engine)
{
    private readonly IClusterClient _client = engine.Client;

    [Fact]
    public async Task Concurrent_replies_to_one_ticket_let_exactly_one_win()
    {
        var ticket = await SubmitAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await _client.GetGrain<ITicketGrain>(ticket.TicketId).ReplyAsync("judge-1", $"reply {i}");
                return (Won: true, Refusal: (EngineException?)null);
            }
            catch (EngineException ex)
            {
                return (Won: false, Refusal: ex);
            }
        }));

        Assert.Single(attempts, a => a.Won);
        Assert.All(attempts.Where(a => !a.Won), a => Assert.Equal(EngineErrorKind.FailedPrecondition, a.Refusal!.Kind));
        var stored = await _client.GetGrain<ITicketGrain>(ticket.TicketId).GetAsync();
        Assert.Equal(TicketState.Replied, stored!.State);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task A_ticket_reads_back_from_storage_after_its_activation_is_gone()
    {
        var ticket = await SubmitAsync();
        await _client.GetGrain<ITicketGrain>(ticket.TicketId).ReplyAsync("judge-1", "已处理");

        await engine.Cluster.DeactivateAsync(_client.GetGrain<ITicketGrain>(ticket.TicketId).GetGrainId());

        var reread = await _client.GetGrain<ITicketGrain>(ticket.TicketId).GetAsync();
        Assert.NotNull(reread);
        Assert.Equal("已处理", reread.Reply);
        Assert.Equal(["received", "dispatched", "replied"], reread.History.Select(h => h.Action));
    }

    [Fact]
    public async Task Racing_submissions_with_one_key_get_one_ticket()
    {
        var request = NewTicket("race-" + Guid.NewGuid().ToString("N"));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _client.GetGrain<IIntakeGrain>(0).SubmitAsync(request)));

        Assert.Single(results.Select(r => r.Ticket.TicketId).Distinct());
        Assert.Single(results, r => !r.Deduplicated);
    }

    [Fact]
    public async Task The_least_loaded_member_of_the_filing_division_gets_online_filings_and_closing_releases_load()
    {
        var court = _client.GetGrain<ICourtGrain>("test-court");
        var before = (await court.GetAsync())!.OpenTickets.GetValueOrDefault("filer-1");

        var result = await _client.GetGrain<IIntakeGrain>(0).SubmitAsync(NewTicket(Guid.NewGuid().ToString("N")) with
        {
            Kind = TicketKind.OnlineFiling,
            SubKind = TicketSubKind.FilingApplication,
            CaseNumber = null,
        });

        Assert.Equal("filer-1", result.Ticket.Assignee.Id);
        Assert.Equal(before + 1, (await court.GetAsync())!.OpenTickets["filer-1"]);
    }

    private async Task<TicketRecord> SubmitAsync()
    {
        var caseNumber = $"(2025)沪0101民初{Random.Shared.Next(1, 999_999)}号";
        await _client.GetGrain<ICaseGrain>(caseNumber).UpsertAsync(new CaseUpsert(
            caseNumber, "test-court", "civil", "judge-1", [], CaseStatus.Open, [], null, "test"));
        var result = await _client.GetGrain<IIntakeGrain>(0).SubmitAsync(NewTicket(Guid.NewGuid().ToString("N")) with { CaseNumber = caseNumber });
        Assert.Equal("judge-1", result.Ticket.Assignee.Id);
        return result.Ticket;
    }

    private static NewTicket NewTicket(string key) => new(
        key, Channel.Web, TicketKind.ContactJudge, TicketSubKind.ContactOther, "test-court", null,
        new CallerInfo("测试", "13800000001", CallerRole.Party), "测试内容", Priority.Normal, []);
}
