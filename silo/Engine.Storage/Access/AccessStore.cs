using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Google.Protobuf;

namespace Engine.Storage.Access;

/// <summary>
/// The API keys and the audit log in the engine's database. Every key change bumps the revision and writes its audit
/// entry in the same transaction, so a key never exists (or stops existing) without a record of who did it.
/// </summary>
public sealed class AccessStore(Database database, EventNotifier notifier) : IAccessStore
{
    /// <summary>The audit action of a look-up lockout.</summary>
    public const string LookupLockedAction = "lookup.locked";

    /// <summary>Orders key changes across silos (PostgreSQL advisory lock; SQLite's write lock).</summary>
    private const long AccessLock = 0x616363657373; // "access"

    /// <summary>Orders the count of a case's lockouts across silos (PostgreSQL advisory lock; SQLite's write lock).</summary>
    private const long LockoutLock = 0x6c6f636b6f7574; // "lockout"

    private const string KeyColumns = """
        key_id, name, role, channels, court_ids, judge_id, personal_data, secret_sha256, certificate_sha256, rate_per_second,
        created_at_ms, created_by, expires_at_ms, revoked_at_ms, revoked_by
        """;

    public KeyRingSnapshot? ReadKeys(long knownRevision)
    {
        using var connection = database.Open();
        using var snapshot = database.BeginSnapshot(connection);
        var revision = Revision(connection, snapshot);
        if (revision == knownRevision)
        {
            return null;
        }

        using var command = connection.Command($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at_ms, key_id;", snapshot);
        return new KeyRingSnapshot(revision, ReadAll(command));
    }

    public CreatedApiKey Create(NewApiKey key, string actor, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, AccessLock);
        var created = Insert(connection, transaction, key, actor, now);
        Audit(connection, transaction, now, actor, "engine.v1.AccessService/CreateApiKey", $"key {created.Key.KeyId}", Describe(created.Key), "OK");
        Bump(connection, transaction);
        transaction.Commit();
        return created;
    }

    public ApiKeyInfo Revoke(string keyId, string actor, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, AccessLock);
        var key = Find(connection, transaction, keyId) ?? throw EngineException.NotFound($"key {keyId} does not exist");
        if (key.RevokedAt is null)
        {
            using var update = connection.Command("UPDATE api_keys SET revoked_at_ms = @at, revoked_by = @by WHERE key_id = @id;", transaction);
            update.Add("@at", now.ToUnixTimeMilliseconds());
            update.Add("@by", actor);
            update.Add("@id", keyId);
            update.ExecuteNonQuery();
            key = key with { RevokedAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), RevokedBy = actor };
            Bump(connection, transaction);
        }

        Audit(connection, transaction, now, actor, "engine.v1.AccessService/RevokeApiKey", $"key {keyId}", Describe(key), "OK");
        transaction.Commit();
        return key;
    }

    /// <summary>Makes the first admin key when no active admin key exists; null when one does (another silo may have
    /// made it a moment ago: the check and the insert hold the access lock).</summary>
    public CreatedApiKey? CreateFirstAdmin(DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, AccessLock);
        using (var command = connection.Command($"SELECT {KeyColumns} FROM api_keys WHERE role = @role AND revoked_at_ms IS NULL;", transaction))
        {
            command.Add("@role", (int)AccessRole.Admin);
            if (ReadAll(command).Any(k => k.IsActive(now)))
            {
                return null;
            }
        }

        var created = Insert(connection, transaction, new NewApiKey("bootstrap-admin", AccessRole.Admin, AccessScope.Unlimited, null, 0, null), Actors.Engine, now);
        Audit(connection, transaction, now, Actors.Engine, "bootstrap", $"key {created.Key.KeyId}", Describe(created.Key), "OK");
        Bump(connection, transaction);
        transaction.Commit();
        return created;
    }

    public long BeginAudit(DateTimeOffset now, string actor, string action, string target, string detail)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var id = Audit(connection, transaction, now, actor, action, target, detail, null);
        transaction.Commit();
        return id;
    }

    public void CompleteAudit(long id, string outcome, DateTimeOffset now) =>
        database.Execute(
            "UPDATE audit_log SET outcome = @outcome, completed_at_ms = @at WHERE id = @id;",
            ("@outcome", outcome), ("@at", now.ToUnixTimeMilliseconds()), ("@id", id));

    public AuditPage ListAudit(long beforeId, int pageSize)
    {
        using var connection = database.Open();
        using var command = connection.Command("""
            SELECT id, at_ms, actor, action, target, detail, outcome, completed_at_ms FROM audit_log
            WHERE id < CASE WHEN @before = 0 THEN 9223372036854775807 ELSE @before END ORDER BY id DESC LIMIT @max;
            """);
        command.Add("@before", beforeId);
        command.Add("@max", pageSize + 1);
        var entries = ImmutableArray.CreateBuilder<AuditRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new AuditRecord(
                reader.GetInt64(0), Time(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : Time(reader.GetInt64(7))));
        }

        var more = entries.Count > pageSize;
        var page = entries.Take(pageSize).ToImmutableArray();
        return new AuditPage(page, more ? page[^1].Id : 0);
    }

    /// <summary>The aggregate of a case number's lockout events: its version counts them.</summary>
    public static string LockoutAggregateOf(string caseNumber) => "lookup/" + caseNumber;

    public long RecordLookupLockout(string caseNumber, string? courtId, string caller, DateTimeOffset now, Func<long, (EncodedEvent Event, string AuditJson)> lockedEvent)
    {
        long caseLockouts;
        long head;
        using (var connection = database.Open())
        using (var transaction = database.BeginExclusive(connection, LockoutLock))
        {
            database.BeforeAppendingEvents(transaction);
            using (var count = connection.Command("SELECT COALESCE(MAX(aggregate_version), 0) + 1 FROM events WHERE aggregate_id = @a;", transaction))
            {
                count.Add("@a", LockoutAggregateOf(caseNumber));
                caseLockouts = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            var (locked, audit) = lockedEvent(caseLockouts);
            Audit(connection, transaction, now, Actors.Engine, LookupLockedAction, "case_number=" + caseNumber, audit, "OK");
            var row = locked.Row(LockoutAggregateOf(caseNumber), caseLockouts, 0, now, caller, courtId);
            using var insert = new EventInsert(connection, database) { Transaction = transaction };
            head = insert.Append([row]);
            if (head > 0)
            {
                database.AnnounceEvents(transaction, head);
            }

            transaction.Commit();
        }

        if (head > 0)
        {
            notifier.Advance(head);
        }

        return caseLockouts;
    }

    private static CreatedApiKey Insert(DbConnection connection, DbTransaction transaction, NewApiKey key, string actor, DateTimeOffset now)
    {
        if (key.CertificateSha256 is { } certificate)
        {
            using var check = connection.Command("SELECT COUNT(*) FROM api_keys WHERE certificate_sha256 = @c;", transaction);
            check.Add("@c", certificate);
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
            {
                throw new EngineException(EngineErrorKind.AlreadyExists, "another key is already bound to this certificate", "certificate_sha256");
            }
        }

        var (keyId, secret, whole) = ApiKeys.Generate();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var info = new ApiKeyInfo(
            keyId, key.Name, key.Role, key.Scope, createdAt, actor, key.ExpiresAt, null, null, key.RatePerSecond, key.CertificateSha256, [.. ApiKeys.Hash(secret)]);
        using var insert = connection.Command($"""
            INSERT INTO api_keys ({KeyColumns})
            VALUES (@id, @name, @role, @channels, @courts, @judge, @personal, @hash, @certificate, @rate, @created, @by, @expires, NULL, NULL);
            """, transaction);
        insert.Add("@id", keyId);
        insert.Add("@name", key.Name);
        insert.Add("@role", (int)key.Role);
        insert.Add("@channels", string.Join(',', key.Scope.Channels.Select(c => ((int)c).ToString(CultureInfo.InvariantCulture))));
        insert.Add("@courts", string.Join('\n', key.Scope.CourtIds));
        insert.Add("@judge", key.Scope.JudgeId);
        insert.Add("@personal", key.Scope.PersonalData ? 1 : 0);
        insert.Add("@hash", info.SecretSha256.ToArray());
        insert.Add("@certificate", key.CertificateSha256);
        insert.Add("@rate", key.RatePerSecond);
        insert.Add("@created", createdAt.ToUnixTimeMilliseconds());
        insert.Add("@by", actor);
        insert.Add("@expires", key.ExpiresAt?.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        return new CreatedApiKey(info, whole);
    }

    private static ApiKeyInfo? Find(DbConnection connection, DbTransaction transaction, string keyId)
    {
        using var command = connection.Command($"SELECT {KeyColumns} FROM api_keys WHERE key_id = @id;", transaction);
        command.Add("@id", keyId);
        return ReadAll(command).FirstOrDefault();
    }

    private static ImmutableArray<ApiKeyInfo> ReadAll(DbCommand command)
    {
        var keys = ImmutableArray.CreateBuilder<ApiKeyInfo>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var channels = reader.GetString(3);
            var courts = reader.GetString(4);
            var scope = new AccessScope(
                channels.Length == 0 ? [] : [.. channels.Split(',').Select(c => (Channel)int.Parse(c, CultureInfo.InvariantCulture))],
                courts.Length == 0 ? [] : [.. courts.Split('\n')],
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture) != 0);
            keys.Add(new ApiKeyInfo(
                reader.GetString(0), reader.GetString(1), (AccessRole)Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), scope,
                Time(reader.GetInt64(10)), reader.GetString(11), reader.IsDBNull(12) ? null : Time(reader.GetInt64(12)),
                reader.IsDBNull(13) ? null : Time(reader.GetInt64(13)), reader.IsDBNull(14) ? null : reader.GetString(14),
                Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture), reader.IsDBNull(8) ? null : reader.GetString(8),
                [.. (byte[])reader.GetValue(7)]));
        }

        return keys.ToImmutable();
    }

    private static long Revision(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.Command("SELECT revision FROM access_revision WHERE id = 1;", transaction);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Bump(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.Command("UPDATE access_revision SET revision = revision + 1 WHERE id = 1;", transaction);
        command.ExecuteNonQuery();
    }

    /// <summary>Writes an audit entry in <paramref name="transaction"/> (with its outcome, or none yet); answers its id.</summary>
    internal static long Audit(DbConnection connection, DbTransaction transaction, DateTimeOffset now, string actor, string action, string target, string detail, string? outcome)
    {
        using var command = connection.Command("""
            INSERT INTO audit_log (at_ms, actor, action, target, detail, outcome, completed_at_ms)
            VALUES (@at, @actor, @action, @target, @detail, @outcome, @completed) RETURNING id;
            """, transaction);
        var at = now.ToUnixTimeMilliseconds();
        command.Add("@at", at);
        command.Add("@actor", actor);
        command.Add("@action", action);
        command.Add("@target", target);
        command.Add("@detail", detail);
        command.Add("@outcome", outcome);
        command.Add("@completed", outcome is null ? null : at);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>A key as the audit log shows it: never the secret or its hash.</summary>
    private static string Describe(ApiKeyInfo key) => System.Text.Json.JsonSerializer.Serialize(new
    {
        key_id = key.KeyId,
        name = key.Name,
        role = key.Role.ToString(),
        channels = key.Scope.Channels.Select(c => c.ToString()),
        court_ids = key.Scope.CourtIds,
        judge_id = key.Scope.JudgeId,
        personal_data = key.Scope.PersonalData,
        expires_at = key.ExpiresAt,
        revoked_at = key.RevokedAt,
        rate_per_second = key.RatePerSecond,
        certificate_sha256 = key.CertificateSha256,
    });

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

/// <summary>Names of actors that are not keys.</summary>
public static class Actors
{
    public const string Engine = "engine";
}
