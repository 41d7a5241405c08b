using Microsoft.Extensions.Logging;

namespace Engine.Api.Security;

/// <summary>Log messages of the security area (event ids 2200–2299; the range list is in docs/security.md).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 2210, Level = LogLevel.Warning,
        Message = "AUTHENTICATION IS OFF: every caller of {Endpoints} acts as admin and sees phone numbers in clear. This is for a first look on this machine only (loopback); set Engine:Security:Authentication=Required before anyone else can connect (docs/security.md).")]
    public static partial void RunningOpen(ILogger logger, string endpoints);
}
