namespace Engine.Contracts.Grains;

/// <summary>The API keys and the audit log, kept in the engine's database. Stateless: every silo answers from the
/// database, so front-ends everywhere see one key table.</summary>
public interface IAccessGrain : IGrainWithIntegerKey
{
    /// <summary>Every key, or null when the key table is still at <paramref name="knownRevision"/>.</summary>
    Task<KeyRingSnapshot?> GetKeysAsync(long knownRevision);

    /// <summary>Makes a key and records it in the audit log in the same transaction; the secret is in the answer only.</summary>
    Task<CreatedApiKey> CreateKeyAsync(NewApiKey key, string actor);

    /// <summary>Revokes a key (it stops working at every front-end within the key refresh interval), audited.</summary>
    Task<ApiKeyInfo> RevokeKeyAsync(string keyId, string actor);

    /// <summary>Writes an administrative action before it runs; answers its id.</summary>
    Task<long> BeginAuditAsync(string actor, string action, string target, string detail);

    /// <summary>Records how the action of <paramref name="id"/> ended.</summary>
    Task CompleteAuditAsync(long id, string outcome);

    /// <summary>The audit log, newest first, entries with id below <paramref name="beforeId"/> (0: from the newest).</summary>
    Task<AuditPage> ListAuditAsync(long beforeId, int pageSize);
}
