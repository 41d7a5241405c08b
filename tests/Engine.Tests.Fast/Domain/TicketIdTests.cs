using Engine.Domain;
using Microsoft.Extensions.Time.Testing;

namespace Engine.Tests.DomainTests;

/// <summary>Engine-made ticket ids: their form and their order.</summary>
public sealed class TicketIdTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_id_is_a_T_and_26_base32_characters()
    {
        var id = new TicketIds(new FakeTimeProvider(Start)).Next();

        Assert.Equal(TicketIds.Length, id.Length);
        Assert.Equal(27, id.Length);
        Assert.StartsWith("T", id, StringComparison.Ordinal);
        Assert.True(TicketIds.LooksValid(id));
    }

    [Fact]
    public void Ids_made_within_one_millisecond_are_strictly_increasing()
    {
        var ids = new TicketIds(new FakeTimeProvider(Start));

        var made = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToArray();

        Assert.All(made, id => Assert.True(TicketIds.LooksValid(id), id));
        for (var i = 1; i < made.Length; i++)
        {
            Assert.True(string.CompareOrdinal(made[i - 1], made[i]) < 0, $"id {i} ({made[i]}) sorts after id {i - 1} ({made[i - 1]})");
        }
    }

    [Fact]
    public void Ids_sort_by_the_time_they_were_made()
    {
        var time = new FakeTimeProvider(Start);
        var ids = new TicketIds(time);
        var random = new Random(12345);
        var made = new List<string>();

        for (var i = 0; i < 2_000; i++)
        {
            made.Add(ids.Next());
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 3)));
        }

        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void An_id_made_a_millisecond_later_sorts_after_a_burst_of_ids_in_the_millisecond_before()
    {
        var time = new FakeTimeProvider(Start);
        var ids = new TicketIds(time);
        var burst = Enumerable.Range(0, 1_000).Select(_ => ids.Next()).Max(StringComparer.Ordinal)!;

        time.Advance(TimeSpan.FromMilliseconds(1));
        var later = ids.Next();

        Assert.True(string.CompareOrdinal(burst, later) < 0);
    }

    [Fact]
    public void Ids_keep_increasing_when_the_clock_steps_back()
    {
        // FakeTimeProvider refuses to go back, as a real wall clock can after an NTP correction.
        var clock = new SettableClock { UtcNow = Start };
        var ids = new TicketIds(clock);
        var before = ids.Next();

        clock.UtcNow = Start.AddSeconds(-5);
        var after = ids.Next();
        clock.UtcNow = Start.AddSeconds(-4);
        var later = ids.Next();

        Assert.True(string.CompareOrdinal(before, after) < 0);
        Assert.True(string.CompareOrdinal(after, later) < 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("T")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7P")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7P6Q5")]
    [InlineData("X01JNQ8ZK4V3M2X1Y0W9R8S7P6Q")]
    [InlineData("t01JNQ8ZK4V3M2X1Y0W9R8S7P6Q")]
    [InlineData("T01jnq8zk4v3m2x1y0w9r8s7p6q")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7PUQ")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7PIQ")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7PLQ")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7POQ")]
    [InlineData("T01JNQ8ZK4V3M2X1Y0W9R8S7P-Q")]
    public void Strings_that_are_not_ids_do_not_look_valid(string? text)
    {
        Assert.False(TicketIds.LooksValid(text));
    }

    [Fact]
    public void A_well_formed_id_looks_valid()
    {
        Assert.True(TicketIds.LooksValid("T01JNQ8ZK4V3M2X1Y0W9R8S7P6Q"));
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset UtcNow { get; set; }

        public override DateTimeOffset GetUtcNow() => UtcNow;
    }
}
