using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Engine.Storage.Databases;

namespace Engine.Grains.Hosting;

/// <summary>Cluster mode: once this silo is active, tells the database which membership row is its own, so that its
/// writes stop the moment the cluster declares it dead (<see cref="PostgresDatabase.Fence"/>).</summary>
internal sealed class MembershipFence(Database database, ILocalSiloDetails silo, IOptions<ClusterOptions> cluster) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(MembershipFence), ServiceLifecycleStage.Active, _ =>
    {
        if (database is PostgresDatabase postgres)
        {
            var address = silo.SiloAddress;
            postgres.Fence = new SiloIdentity(cluster.Value.ClusterId, address.Endpoint.Address.ToString(), address.Endpoint.Port, address.Generation);
        }

        return Task.CompletedTask;
    });
}
