using System.Diagnostics.Metrics;
using Engine.Contracts;
using Engine.Storage.Access;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Microsoft.Extensions.Logging;

namespace Engine.Grains.Security;

/// <summary>
/// Puts a look-up lockout where people look, naming the case number and never the phone: an audit entry and the event
/// <c>case.lookup_locked</c> (in one transaction), the counter <c>engine.lookup.lockouts</c> (meter
/// <see cref="StorageMetrics.MeterName"/>, tagged with the court and the silo) and a warning in the log. A lockout of a
/// number nobody stored is recorded the same way, with no court: the work must not tell the attacker whether the case
/// exists.
/// </summary>
public sealed partial class LookupLockoutRecorder(IAccessStore store, ILocalSiloDetails silo, ILogger<LookupLockoutRecorder> logger)
{
    private static readonly Counter<long> Lockouts = StorageMetrics.Meter.CreateCounter<long>(
        "engine.lookup.lockouts", "{lockout}", "(case, phone) pairs locked after repeated failed password look-ups");

    private readonly string _silo = silo.SiloAddress.ToString();

    /// <summary>Records that <paramref name="caseNumber"/> (at <paramref name="courtId"/>, null when not stored) was
    /// locked for one phone, the <paramref name="phoneLockouts"/>th time for that phone; answers the case's count.</summary>
    public long Record(string caseNumber, string? courtId, int phoneLockouts, DateTimeOffset now, DateTimeOffset lockedUntil, string caller)
    {
        var caseLockouts = store.RecordLookupLockout(caseNumber, courtId, caller, now,
            count => EventPayloads.LookupLocked(caseNumber, courtId, count, phoneLockouts, lockedUntil, caller));
        Lockouts.Add(1, new KeyValuePair<string, object?>("court", courtId ?? "none"), new KeyValuePair<string, object?>("silo", _silo));
        Log.Locked(logger, caseNumber, courtId ?? "none (no such case)", lockedUntil, caseLockouts, phoneLockouts, caller);
        return caseLockouts;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.LookupLocked, Level = LogLevel.Warning,
            Message = "Password look-ups of case {CaseNumber} (court {CourtId}) are locked for one phone until {LockedUntil} after repeated failures: the case's lockout {CaseLockouts}, that phone's {PhoneLockouts}; the last attempt came from {Caller}. Staff lift it with CaseService/LiftLookupLockout")]
        public static partial void Locked(ILogger logger, string caseNumber, string courtId, DateTimeOffset lockedUntil, long caseLockouts, int phoneLockouts, string caller);
    }
}
