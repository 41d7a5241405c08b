using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.Grains;
using Engine.Storage.Databases;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Engine.Tests.Grains;

/// <summary>Grain state through Microsoft.Orleans.Persistence.AdoNet on our own SQLite scripts.</summary>
[Collection(SharedEngineCluster.Name)]
public sealed class GrainStateStorageTests(EngineCluster engine)
{
    [Fact]
    public async Task A_case_survives_its_activation_and_keeps_only_a_hash_of_the_password()
    {
        const string number = "(2024)沪0101民初88号";
        var grain = engine.Client.GetGrain<ICaseGrain>(number);
        await grain.UpsertAsync(new CaseUpsert(number, "test-court", "civil", "judge-1",
            [new PartyInfo("测试原告", PartyRole.Plaintiff, "13800000002")], CaseStatus.Open, [], "secret-pass", "test"));

        await engine.Cluster.DeactivateAsync(grain.GetGrainId());

        var stored = await grain.GetAsync();
        Assert.Equal("judge-1", stored!.PresidingJudgeId);
        Assert.Equal("13800000002", Assert.Single(stored.Parties).Phone);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task A_change_whose_write_failed_is_not_seen_afterwards()
    {
        const string number = "(2024)沪0101民初89号";
        var grain = engine.Client.GetGrain<ICaseGrain>(number);
        await grain.UpsertAsync(new CaseUpsert(number, "test-court", "civil", "judge-1", [], CaseStatus.Open, [], null, "test"));

        // The database refuses this case's next write (a trigger on its outbox mark, the write's first step).
        var database = engine.Cluster.Silos[0].ServiceProvider!.GetRequiredService<Database>();
        database.Execute($"CREATE TRIGGER refuse_case_89 BEFORE INSERT ON outbox_pending WHEN NEW.grain_key = '{number}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => grain.AssignJudgeAsync("judge-2", "test", null));
        }
        finally
        {
            database.Execute("DROP TRIGGER refuse_case_89;");
        }

        var after = await grain.GetAsync();
        Assert.Equal("judge-1", after!.PresidingJudgeId);
        Assert.Equal(1, after.Version);
    }

    [Fact]
    public async Task A_write_with_a_stale_version_is_refused_by_the_storage()
    {
        var storage = engine.Cluster.Silos[0].ServiceProvider!.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStateName);
        var grainId = GrainId.Create("test-state", Guid.NewGuid().ToString("N"));
        var first = new GrainState<Probe>(new Probe { Value = 1 });
        await storage.WriteStateAsync("probe", grainId, first);
        var stale = new GrainState<Probe>(new Probe { Value = 2 }) { ETag = first.ETag };
        await storage.WriteStateAsync("probe", grainId, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grainId, stale));

        var read = new GrainState<Probe>(new Probe());
        await storage.ReadStateAsync("probe", grainId, read);
        Assert.Equal(1, read.State!.Value);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task A_new_record_cannot_overwrite_an_existing_one()
    {
        var storage = engine.Cluster.Silos[0].ServiceProvider!.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStateName);
        var grainId = GrainId.Create("test-state", Guid.NewGuid().ToString("N"));
        await storage.WriteStateAsync("probe", grainId, new GrainState<Probe>(new Probe { Value = 1 }));

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("probe", grainId, new GrainState<Probe>(new Probe { Value = 9 })));
    }

    [GenerateSerializer]
    public sealed class Probe
    {
        [Id(0)]
        public int Value { get; set; }
    }
}
