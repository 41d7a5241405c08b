using Engine.Storage.Events;
using Engine.Contracts;
using Google.Protobuf;

namespace Engine.Storage.Access;

/// <summary>
/// The API keys and the audit log, shared by every silo. A key change bumps the key table's revision and writes its
/// audit entry in the same transaction. Every call is synchronous.
/// </summary>
public interface IAccessStore
{
    /// <summary>The keys, unless the revision is still <paramref name="knownRevision"/> (then null).</summary>
    KeyRingSnapshot? ReadKeys(long knownRevision);

    CreatedApiKey Create(NewApiKey key, string actor, DateTimeOffset now);

    ApiKeyInfo Revoke(string keyId, string actor, DateTimeOffset now);

    /// <summary>Makes the first admin key when no active admin key exists; null when one does.</summary>
    CreatedApiKey? CreateFirstAdmin(DateTimeOffset now);

    /// <summary>Writes an audit entry without its outcome yet; answers its id.</summary>
    long BeginAudit(DateTimeOffset now, string actor, string action, string target, string detail);

    void CompleteAudit(long id, string outcome, DateTimeOffset now);

    AuditPage ListAudit(long beforeId, int pageSize);

    /// <summary>Records a look-up lockout of <paramref name="caseNumber"/> (at <paramref name="courtId"/>, null when no
    /// such case is stored): counts it among the case's lockouts, and writes the audit entry and the event
    /// <c>case.lookup_locked</c> that <paramref name="lockedEvent"/> makes from that count, in one transaction.
    /// Answers the count.</summary>
    long RecordLookupLockout(string caseNumber, string? courtId, string caller, DateTimeOffset now, Func<long, (EncodedEvent Event, string AuditJson)> lockedEvent);
}
