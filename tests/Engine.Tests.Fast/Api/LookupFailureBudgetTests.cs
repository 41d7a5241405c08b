using Engine.Api.Security;
using Microsoft.Extensions.Time.Testing;

namespace Engine.Tests.Api;

/// <summary>The budget of failed look-ups per key: a bucket that refills by the minute, that look-ups which did not
/// fail give back to, and that counts each key apart.</summary>
public sealed class LookupFailureBudgetTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_key_that_spent_its_failures_is_refused_until_the_bucket_refills_and_is_told_when()
    {
        var budget = new LookupFailureBudget(6, _clock);
        for (var i = 0; i < 6; i++)
        {
            Assert.True(budget.TryTake("k1", out _, out _));
        }

        Assert.False(budget.TryTake("k1", out var retryAfter, out var first));
        Assert.True(first);
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);
        Assert.False(budget.TryTake("k1", out _, out var again));
        Assert.False(again);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(budget.TryTake("k1", out _, out _));
        Assert.False(budget.TryTake("k1", out _, out first));
        Assert.True(first);

        // A whole minute refills the bucket, never beyond its size.
        _clock.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < 6; i++)
        {
            Assert.True(budget.TryTake("k1", out _, out _));
        }

        Assert.False(budget.TryTake("k1", out _, out _));
    }

    [Fact]
    public void Look_ups_that_did_not_fail_cost_nothing()
    {
        var budget = new LookupFailureBudget(3, _clock);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(budget.TryTake("k1", out _, out _));
            budget.GiveBack("k1");
        }

        Assert.True(budget.TryTake("k1", out _, out _));
        Assert.True(budget.TryTake("k1", out _, out _));
        Assert.True(budget.TryTake("k1", out _, out _));
    }

    [Fact]
    public void Each_key_has_a_bucket_of_its_own()
    {
        var budget = new LookupFailureBudget(1, _clock);
        Assert.True(budget.TryTake("k1", out _, out _));
        Assert.False(budget.TryTake("k1", out _, out _));
        Assert.True(budget.TryTake("k2", out _, out _));
    }
}
