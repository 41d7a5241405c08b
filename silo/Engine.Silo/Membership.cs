using Orleans.Configuration;

namespace Engine.Silo;

/// <summary>
/// How fast a cluster gives up on a silo that stopped answering (dead, frozen, cut off), chosen for a bound of 15 s from
/// the moment it stops to the moment it is declared dead and its grains and deadline shards start elsewhere
/// (docs/deployment.md, "When a silo fails"; decision 43). Every value can be set under <see cref="Section"/>, by the
/// names of Orleans' <see cref="ClusterMembershipOptions"/>.
/// </summary>
public static class Membership
{
    public const string Section = "Engine:Membership";

    /// <summary>A probe unanswered this long counts as missed (Orleans' default 5 s).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How often a silo reads the membership table itself, besides what gossip tells it: a silo that was declared
    /// dead while frozen learns it, and stops, within this after it wakes (Orleans' default 60 s).</summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(5);

    public static void Configure(IServiceCollection services, IConfiguration section)
    {
        services.Configure<ClusterMembershipOptions>(membership =>
        {
            // Three probes missed in a row (9 s) make a silo suspect it; two suspicions (the default) declare it dead.
            membership.ProbeTimeout = ProbeTimeout;

            // A vote is withheld while the suspect's connection brought a message within MaxProbeTimeout × the missed
            // probes (the default, 4 × ProbeTimeout, makes that 36 s: a frozen silo was declared dead after 35 s; 4 s
            // made it 12 s, and 14–15.5 s on two loaded cores, at the 15 s bound). With 3 s it is 9 s, the same as the
            // missed probes themselves; a probe still waits up to 3 s for a loaded silo's answer.
            membership.MaxProbeTimeout = ProbeTimeout;
            membership.NumMissedProbesLimit = 3;
            membership.TableRefreshTimeout = TableRefreshTimeout;
            membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
        services.Configure<ClusterMembershipOptions>(section);
    }
}
