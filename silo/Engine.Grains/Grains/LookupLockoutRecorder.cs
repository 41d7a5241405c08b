using System.Diagnostics.Metrics;
using System.Globalization;
using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Access;
using Engine.Grains.Events;
using Engine.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Grains;

/// <summary>
/// Puts a look-up lockout where people look, naming the case number and never the phone: an audit entry and the event
/// <c>case.lookup_locked</c> (in one transaction), the counter <c>engine.lookup.lockouts</c> (meter
/// <see cref="StorageMetrics.MeterName"/>, tagged with the court and the silo) and a warning in the log. A lockout of a
/// number nobody stored is recorded the same way, with no court: the work must not tell the attacker whether the case
/// exists.
/// </summary>
public sealed partial class LookupLockoutRecorder(Database database, EventNotifier notifier, ILocalSiloDetails silo, ILogger<LookupLockoutRecorder> logger)
{
    public const string AuditAction = "lookup.locked";

    /// <summary>Orders the count of a case's lockouts across silos (PostgreSQL advisory lock; SQLite's write lock).</summary>
    private const long LockoutLock = 0x6c6f636b6f7574; // "lockout"

    private static readonly Counter<long> Lockouts = StorageMetrics.Meter.CreateCounter<long>(
        "engine.lookup.lockouts", "{lockout}", "(case, phone) pairs locked after repeated failed password look-ups");

    private readonly string _silo = silo.SiloAddress.ToString();

    /// <summary>The aggregate of a case number's lockout events: its version counts them.</summary>
    public static string AggregateOf(string caseNumber) => "lookup/" + caseNumber;

    /// <summary>Records that <paramref name="caseNumber"/> (at <paramref name="courtId"/>, null when not stored) was
    /// locked for one phone, the <paramref name="phoneLockouts"/>th time for that phone; answers the case's count.</summary>
    public long Record(string caseNumber, string? courtId, int phoneLockouts, DateTimeOffset now, DateTimeOffset lockedUntil, string caller)
    {
        long caseLockouts;
        using (var connection = database.Open())
        using (var transaction = database.BeginExclusive(connection, LockoutLock))
        {
            database.BeforeAppendingEvents(transaction);
            using (var count = connection.Command("SELECT COALESCE(MAX(aggregate_version), 0) + 1 FROM events WHERE aggregate_id = @a;", transaction))
            {
                count.Add("@a", AggregateOf(caseNumber));
                caseLockouts = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            var (locked, audit) = EventPayloads.LookupLocked(caseNumber, courtId, caseLockouts, phoneLockouts, lockedUntil, caller);
            AccessStore.Audit(connection, transaction, now, Actors.Engine, AuditAction, "case_number=" + caseNumber, audit, "OK");
            var row = locked.Row(AggregateOf(caseNumber), caseLockouts, 0, now, caller, courtId);
            using var insert = new EventInsert(connection, database) { Transaction = transaction };
            var head = insert.Append([row]);
            if (head > 0)
            {
                database.AnnounceEvents(transaction, head);
            }

            transaction.Commit();
            if (head > 0)
            {
                notifier.Advance(head);
            }
        }

        Lockouts.Add(1, new KeyValuePair<string, object?>("court", courtId ?? "none"), new KeyValuePair<string, object?>("silo", _silo));
        Log.Locked(logger, caseNumber, courtId ?? "none (no such case)", lockedUntil, caseLockouts, phoneLockouts, caller);
        return caseLockouts;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.LookupLocked, Level = LogLevel.Warning,
            Message = "Password look-ups of case {CaseNumber} (court {CourtId}) are locked for one phone until {LockedUntil} after repeated failures: the case's lockout {CaseLockouts}, that phone's {PhoneLockouts}; the last attempt came from {Caller}. Staff lift it with CaseService/LiftLookupLockout")]
        public static partial void Locked(ILogger logger, string caseNumber, string courtId, DateTimeOffset lockedUntil, long caseLockouts, int phoneLockouts, string caller);
    }
}
