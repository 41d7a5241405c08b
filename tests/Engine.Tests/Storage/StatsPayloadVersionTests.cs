using Engine.Contracts;
using Engine.Contracts.Tickets;
using Engine.Grains.Events;
using Engine.Grains.Statistics;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.ProtoMapping;
using Engine.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.StorageTests;

/// <summary>
/// Ticket events written before thin events carry the whole ticket (field 1) and no header; such events stay in a
/// log. The statistics count a log of them as they count the same history written thin. (The golden data directory
/// holds real ones: Upgrade/UpgradeDataTests counts its log again.)
/// </summary>
public sealed class StatsPayloadVersionTests
{
    private static readonly TypeRegistry Payloads = TypeRegistry.FromFiles(V1.EventsReflection.Descriptor);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_log_of_payloads_from_before_thin_events_counts_as_the_same_history_written_thin(StorageProvider provider)
    {
        var history = TicketLives.All();
        using var thin = new StoreUnderTest(provider);
        using var whole = new StoreUnderTest(provider);
        await WriteAsync(thin, history, TicketEvents.Rows);
        await WriteAsync(whole, history, change => [.. TicketEvents.Rows(change).Select(row => AsWritten(row, change.After))]);

        var query = new StatsQuery(null, null, null, null, null, [StatsDimension.Court, StatsDimension.Judge, StatsDimension.Kind, StatsDimension.Day]);
        var counted = await CountAsync(thin, query);
        var countedWhole = await CountAsync(whole, query);

        Assert.Equal(counted.Rows.Select(Flatten), countedWhole.Rows.Select(Flatten));
        Assert.Equal(Flatten(counted.Total), Flatten(countedWhole.Total));
        Assert.All(
            [StatsCounter.Received, StatsCounter.Dispatched, StatsCounter.Replied, StatsCounter.RepliedOnTime, StatsCounter.Transferred, StatsCounter.Returned,
             StatsCounter.Reopened, StatsCounter.Merged, StatsCounter.Callbacks, StatsCounter.Urged, StatsCounter.Supervised, StatsCounter.DispatchedReplied],
            counter => Assert.True(counted.Total[counter] > 0, $"the history counts some {counter}"));
        Assert.Equal((1, 1, 0), (counted.Total[StatsCounter.Callbacks], counted.Total[StatsCounter.ServiceSatisfied], counted.Total[StatsCounter.ResultSatisfied]));
        Assert.Equal((1, 1, 1, 1), (counted.Total[StatsCounter.Ratings], counted.Total[StatsCounter.RatedResultSatisfied], counted.Total[StatsCounter.FilingsDecided], counted.Total[StatsCounter.FilingsRefused]));
        Assert.Equal((4, 0), (counted.Total[StatsCounter.DeliveredPhoneCall], counted.Total[StatsCounter.DeliveredInPerson]));
    }

    /// <summary>An event as a build before thin events wrote it: the same message with the whole ticket after the
    /// change (history and all) as field 1, and neither the header nor the fields added since.</summary>
    private static EventRow AsWritten(EventRow row, TicketRecord after)
    {
        var message = Any.Parser.ParseFrom(row.Payload).Unpack(Payloads);
        if (message.Descriptor.FindFieldByNumber(1) is null)
        {
            // A type made after thin events (ticket.rated, ticket.filing_decided): never written in the old form.
            return row;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder().Where(f => f.FieldNumber >= 15))
        {
            field.Accessor.Clear(message);
        }

        message.Descriptor.FindFieldByNumber(1).Accessor.SetValue(message, Mapping.ToProto(after));
        return row with { Payload = Any.Pack(message).ToByteArray() };
    }

    private static async Task<StatsAnswer> CountAsync(StoreUnderTest db, StatsQuery query)
    {
        var projector = StatsProjectorTests.Projector(db);
        await projector.CatchUpAsync(long.MaxValue);
        return new StatsReader(db.StatsDatabase, projector).GetStats(query, 0);
    }

    private static async Task WriteAsync(StoreUnderTest db, IEnumerable<TicketTransition> history, Func<TicketTransition, EventRow[]> rows)
    {
        foreach (var change in history)
        {
            if (change.Before is null)
            {
                Assert.Null(await db.Store.CreateAsync(change.After, rows(change)));
            }
            else
            {
                await db.Store.UpdateAsync(change.After, change.ExpectedVersion, rows(change));
            }
        }
    }

    private static string Flatten(StatsFigures f) => $"{string.Join('|', f.Keys)}:{string.Join(',', f.Counters)}:{f.OverdueNow}:{f.P90ReplySeconds}";
}
