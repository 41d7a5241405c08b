using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Engine.Storage.Access;

namespace Engine.Grains.Security;

// Reentrant: no state of its own; the database orders the changes (the access lock).
[StatelessWorker]
[Reentrant]
internal sealed class AccessGrain(IAccessStore store, [FromKeyedServices(EngineClock.Key)] TimeProvider time) : Grain, IAccessGrain
{
    public Task<KeyRingSnapshot?> GetKeysAsync(long knownRevision) => Task.FromResult(store.ReadKeys(knownRevision));

    public Task<CreatedApiKey> CreateKeyAsync(NewApiKey key, string actor) => Task.FromResult(store.Create(key, actor, time.GetUtcNow()));

    public Task<ApiKeyInfo> RevokeKeyAsync(string keyId, string actor) => Task.FromResult(store.Revoke(keyId, actor, time.GetUtcNow()));

    public Task<long> BeginAuditAsync(string actor, string action, string target, string detail) =>
        Task.FromResult(store.BeginAudit(time.GetUtcNow(), actor, action, target, detail));

    public Task CompleteAuditAsync(long id, string outcome)
    {
        store.CompleteAudit(id, outcome, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<AuditPage> ListAuditAsync(long beforeId, int pageSize) => Task.FromResult(store.ListAudit(beforeId, pageSize));
}
