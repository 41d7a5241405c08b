using Microsoft.Extensions.Logging;
using Engine.Contracts;

namespace Engine.Api.Security;

/// <summary>Log messages of the security area (event ids 2200–2299, in <see cref="LogEventIds"/>).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = LogEventIds.RunningOpen, Level = LogLevel.Warning,
        Message = "AUTHENTICATION IS OFF: every caller of {Endpoints} acts as admin and sees phone numbers in clear. This is for a first look on this machine only (loopback); set Engine:Security:Authentication=Required before anyone else can connect (docs/security.md).")]
    public static partial void RunningOpen(ILogger logger, string endpoints);

    [LoggerMessage(EventId = LogEventIds.LookupFailuresSpent, Level = LogLevel.Warning,
        Message = "Key {KeyId} has used up its {Limit} failed password look-ups a minute (counted per key, whatever x-end-user says): its look-ups are refused until it has some again. Someone may be guessing through it; the audit log's lookup.locked entries name the cases")]
    public static partial void LookupFailuresSpent(ILogger logger, string keyId, int limit);
}
