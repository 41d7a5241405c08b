using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Access;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Storage.Lookups;

/// <summary>
/// The caller_lookups table. A code is kept as SHA-256 of a random salt and the code, never in clear (the event that
/// carries it to the SMS sender is the one copy). Six digits are no secret against a stolen table; what guards them is
/// their short life, single use and the phone's lockout, all held here.
/// </summary>
public sealed class CallerLookupStore(Database database, EventNotifier notifier) : ICallerLookupStore
{
    /// <summary>The audit action of a phone's code look-ups being locked.</summary>
    public const string CodeLockedAction = "lookup.code_locked";

    /// <summary>Orders the changes of the table across silos (PostgreSQL advisory lock; SQLite's write lock).</summary>
    private const long LookupsLock = 0x63616c6c6572; // "caller"

    private const int SaltBytes = 16;

    public bool Issue(string phone, string code, DateTimeOffset now, DateTimeOffset expiresAt, TimeSpan resendInterval, EventRow issued)
    {
        long head;
        using (var connection = database.Open())
        using (var transaction = database.BeginExclusive(connection, LookupsLock))
        {
            var row = Read(connection, transaction, phone);
            if (row is not null && (row.LockedUntil > now.ToUnixTimeMilliseconds()
                || row.IssuedAt > (now - resendInterval).ToUnixTimeMilliseconds()))
            {
                return false;
            }

            Store(connection, transaction, phone, code, expiresAt, now);
            database.BeforeAppendingEvents(transaction);
            using var insert = new EventInsert(connection, database) { Transaction = transaction };
            head = insert.Append([issued]);
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

        return true;
    }

    public void Arm(string phone, string secret, DateTimeOffset expiresAt)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, LookupsLock);
        Store(connection, transaction, phone, secret, expiresAt, issuedAt: null);
        transaction.Commit();
    }

    public CodeRedemption Redeem(string phone, string secret, DateTimeOffset now, int maxFailures, TimeSpan lockout, string caller)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, LookupsLock);
        var row = Read(connection, transaction, phone) ?? new Row(null, null, null, null, 0, null, 0, 0);
        var nowMs = now.ToUnixTimeMilliseconds();

        // The hash is computed whatever the row holds, so that every refusal takes the same work.
        var matches = CryptographicOperations.FixedTimeEquals(Hash(row.Salt ?? new byte[SaltBytes], secret), row.Hash ?? new byte[SHA256.HashSizeInBytes])
            && row.Hash is not null && row.ExpiresAt > nowMs;
        CodeRedemption result;
        if (row.LockedUntil > nowMs)
        {
            row = row with { RefusedWhileLocked = row.RefusedWhileLocked + 1 };
            result = new CodeRedemption(false, null, row.Lockouts);
        }
        else if (matches)
        {
            row = row with { Hash = null, Salt = null, ExpiresAt = null, Failures = 0, LockedUntil = null, RefusedWhileLocked = 0 };
            result = new CodeRedemption(true, null, row.Lockouts);
        }
        else
        {
            // A lock that ran out leaves the phone with a clean count.
            var failures = (row.LockedUntil is null ? row.Failures : 0) + 1;
            DateTimeOffset? lockedUntil = failures >= maxFailures ? now + lockout : null;
            row = row with
            {
                Failures = failures,
                LockedUntil = lockedUntil?.ToUnixTimeMilliseconds(),
                Lockouts = row.Lockouts + (lockedUntil is null ? 0 : 1),
                RefusedWhileLocked = 0,
            };
            if (lockedUntil is { } until)
            {
                // A lock also spends the live code: whoever guessed it wrong five times must not try it again after.
                row = row with { Hash = null, Salt = null, ExpiresAt = null };
                AccessStore.Audit(connection, transaction, now, Actors.Engine, CodeLockedAction, "phone=" + Phone.Mask(phone),
                    string.Create(CultureInfo.InvariantCulture, $$"""{"lockedUntil":"{{until:O}}","phoneLockouts":{{row.Lockouts}},"caller":{{System.Text.Json.JsonSerializer.Serialize(caller)}}}"""), "OK");
            }

            result = new CodeRedemption(false, lockedUntil, row.Lockouts);
        }

        Write(connection, transaction, phone, row);
        transaction.Commit();
        return result;
    }

    public LookupLockoutLifted Lift(string phone, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, LookupsLock);
        if (Read(connection, transaction, phone) is not { } row)
        {
            return new LookupLockoutLifted(false, 0, 0);
        }

        var locked = row.LockedUntil > now.ToUnixTimeMilliseconds();
        Write(connection, transaction, phone, row with { Failures = 0, LockedUntil = null, RefusedWhileLocked = 0 });
        transaction.Commit();
        return new LookupLockoutLifted(locked, row.Failures, locked ? row.RefusedWhileLocked : 0);
    }

    private sealed record Row(byte[]? Hash, byte[]? Salt, long? ExpiresAt, long? IssuedAt, int Failures, long? LockedUntil, int Lockouts, int RefusedWhileLocked);

    private static byte[] Hash(byte[] salt, string secret) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(secret)]);

    private static Row? Read(DbConnection connection, DbTransaction transaction, string phone)
    {
        using var command = connection.Command("""
            SELECT code_hash, code_salt, code_expires_at_ms, code_issued_at_ms, failures, locked_until_ms, lockouts, refused_while_locked
            FROM caller_lookups WHERE phone = @p;
            """, transaction);
        command.Add("@p", phone);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new Row(
            reader.IsDBNull(0) ? null : (byte[])reader[0],
            reader.IsDBNull(1) ? null : (byte[])reader[1],
            reader.IsDBNull(2) ? null : reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5),
            reader.GetInt32(6),
            reader.GetInt32(7));
    }

    /// <summary>A new live code; <paramref name="issuedAt"/> null keeps the time the last code was issued (a page token
    /// is no new code, and must not hold back the next one).</summary>
    private static void Store(DbConnection connection, DbTransaction transaction, string phone, string secret, DateTimeOffset expiresAt, DateTimeOffset? issuedAt)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        using var command = connection.Command("""
            INSERT INTO caller_lookups (phone, code_hash, code_salt, code_expires_at_ms, code_issued_at_ms)
            VALUES (@p, @h, @s, @e, @i)
            ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, code_salt = excluded.code_salt,
                code_expires_at_ms = excluded.code_expires_at_ms,
                code_issued_at_ms = COALESCE(excluded.code_issued_at_ms, caller_lookups.code_issued_at_ms);
            """, transaction);
        command.Add("@p", phone);
        command.Add("@h", Hash(salt, secret));
        command.Add("@s", salt);
        command.Add("@e", expiresAt.ToUnixTimeMilliseconds());
        command.Add("@i", issuedAt?.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    private static void Write(DbConnection connection, DbTransaction transaction, string phone, Row row)
    {
        using var command = connection.Command("""
            INSERT INTO caller_lookups (phone, code_hash, code_salt, code_expires_at_ms, code_issued_at_ms, failures, locked_until_ms, lockouts, refused_while_locked)
            VALUES (@p, @h, @s, @e, @i, @f, @l, @n, @r)
            ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, code_salt = excluded.code_salt,
                code_expires_at_ms = excluded.code_expires_at_ms, code_issued_at_ms = excluded.code_issued_at_ms,
                failures = excluded.failures, locked_until_ms = excluded.locked_until_ms, lockouts = excluded.lockouts,
                refused_while_locked = excluded.refused_while_locked;
            """, transaction);
        command.Add("@p", phone);
        command.Add("@h", row.Hash);
        command.Add("@s", row.Salt);
        command.Add("@e", row.ExpiresAt);
        command.Add("@i", row.IssuedAt);
        command.Add("@f", row.Failures);
        command.Add("@l", row.LockedUntil);
        command.Add("@n", row.Lockouts);
        command.Add("@r", row.RefusedWhileLocked);
        command.ExecuteNonQuery();
    }
}
