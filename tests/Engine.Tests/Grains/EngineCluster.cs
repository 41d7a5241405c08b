using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Grains;
using Engine.Storage.Databases;
using Engine.Tests.Support;
using Orleans.TestingHost;

namespace Engine.Tests.Grains;

/// <summary>An in-process Orleans test cluster with the engine's real storage on a temporary SQLite file. xUnit stops
/// the cluster (DisposeAsync) before it deletes the file (Dispose).</summary>
public sealed class EngineCluster : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _data = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddEngineStorage(new StorageOptions { DataDirectory = _data.Path }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        var court = new CourtInfo("test-court", "测试法院", null, Domain.CourtLevel.Basic, null, "filing", null, null, 0);
        await Client.GetGrain<IDirectoryGrain>(0).ImportAsync(new DirectoryImport(
            [new CourtImport(court, [
                new DivisionInfo("test-court", "filing", "立案庭", Domain.DivisionRole.Filing, null, null),
                new DivisionInfo("test-court", "civil", "民事庭", Domain.DivisionRole.Trial, "judge-head", null)])],
            [
                new JudgeInfo("judge-1", "测试法官一", "test-court", "civil", Domain.JudgeRole.Judge, AvailabilityInfo.Available),
                new JudgeInfo("judge-head", "测试庭长", "test-court", "civil", Domain.JudgeRole.DivisionHead, AvailabilityInfo.Available),
                new JudgeInfo("filer-1", "测试立案", "test-court", "filing", Domain.JudgeRole.Judge, AvailabilityInfo.Available),
            ]));
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SharedEngineCluster : ICollectionFixture<EngineCluster>
{
    public const string Name = "engine cluster";
}
