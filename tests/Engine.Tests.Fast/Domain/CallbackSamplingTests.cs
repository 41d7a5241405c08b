using Engine.Domain;

namespace Engine.Tests.DomainTests;

public sealed class CallbackSamplingTests
{
    [Fact]
    public void The_same_ticket_always_gets_the_same_answer()
    {
        var ids = new TicketIds(TimeProvider.System);
        for (var i = 0; i < 200; i++)
        {
            var id = ids.Next();
            Assert.Equal(CallbackSampling.IsSampled(id, 0.3), CallbackSampling.IsSampled(id, 0.3));
        }
    }

    [Fact]
    public void About_the_configured_share_is_sampled_and_the_edges_are_exact()
    {
        var ids = new TicketIds(TimeProvider.System);
        var sample = Enumerable.Range(0, 20_000).Select(_ => ids.Next()).ToArray();

        var share = sample.Count(id => CallbackSampling.IsSampled(id, 0.10)) / (double)sample.Length;

        Assert.InRange(share, 0.09, 0.11);
        Assert.All(sample.Take(100), id => Assert.True(CallbackSampling.IsSampled(id, 1.0)));
        Assert.All(sample.Take(100), id => Assert.False(CallbackSampling.IsSampled(id, 0)));
    }

    [Fact]
    public void A_larger_share_samples_everything_a_smaller_one_did()
    {
        var ids = new TicketIds(TimeProvider.System);
        foreach (var id in Enumerable.Range(0, 1_000).Select(_ => ids.Next()))
        {
            Assert.True(!CallbackSampling.IsSampled(id, 0.05) || CallbackSampling.IsSampled(id, 0.20));
        }
    }
}
