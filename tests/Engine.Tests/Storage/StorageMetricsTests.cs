using System.Diagnostics.Metrics;

namespace Engine.Tests.StorageTests;

/// <summary>The <c>Engine.Storage</c> meter that operators watch with dotnet-counters.</summary>
public sealed class StorageMetricsTests
{
    [Fact]
    public async Task Group_commits_and_checkpoints_are_published_on_the_storage_meter()
    {
        long writes = 0, commits = 0, passes = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Engine.Storage")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "engine.commit.writes" && tags.ToArray().Contains(new("committer", "ticket-commit")))
            {
                Interlocked.Add(ref writes, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "engine.commit.duration")
            {
                Interlocked.Increment(ref commits);
            }
            else if (instrument.Name == "engine.checkpoint.duration")
            {
                Interlocked.Increment(ref passes);
            }
        });
        listener.Start();
        using var db = new StoreUnderTest();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => db.Store.CreateAsync(TestTickets.New(db.Ids.Next()), []))));
        // The last commit woke the checkpoint thread; the pass is taken before the count is read so none is missed.
        var next = db.Store.Checkpointer!.NextPassAsync();
        if (db.Store.Checkpointer.Passes == 0)
        {
            await next.WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Other tests commit at the same time and the listener hears them too: at least this test's writes.
        Assert.True(Interlocked.Read(ref writes) >= 200, $"{writes} writes recorded");
        Assert.True(Interlocked.Read(ref commits) >= db.Store.Committer.Batches, $"{commits} commits recorded, {db.Store.Committer.Batches} made");
        Assert.True(Interlocked.Read(ref passes) > 0, "no checkpoint pass recorded");
    }
}
