namespace Engine.Contracts.Grains;

/// <summary>
/// How long a shard's wake of an owner (a ticket, a judge, a case) may take before Orleans gives it up: the call ends,
/// and a request still queued at the owner by then is dropped rather than run. Without it a wake held its owner for
/// Orleans' 30 s default: the shard does not wake an owner again while its last wake runs, so an owner on a silo
/// that had just joined and was still cold fired 30 s late (docs/decisions.md, 64).
/// </summary>
public static class WakeCall
{
    public const string ResponseTimeout = "00:00:10";
}
