using System.Net;
using Engine.Contracts;

namespace Engine.Silo.Supervision;

/// <summary>Log messages of the HTTP/1.1 endpoint's pages. Event ids 2100–2199, in <see cref="LogEventIds"/>.
/// Never a password nor an Authorization header.</summary>
internal static partial class SupervisionLog
{
    [LoggerMessage(EventId = LogEventIds.SupervisionServingOpen, Level = LogLevel.Information, Message = "Supervision page at http://{Endpoint}/supervision, open: the endpoint is loopback only")]
    public static partial void ServingOpen(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = LogEventIds.SupervisionServingGuarded, Level = LogLevel.Information, Message = "Supervision page at http://{Endpoint}/supervision; it and the dashboard ask for an admin or supervisor API key (HTTP Basic password or Bearer)")]
    public static partial void ServingGuarded(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = LogEventIds.SupervisionCredentialsRefused, Level = LogLevel.Warning, Message = "Refused HTTP credentials from {RemoteAddress} for {Path}")]
    public static partial void CredentialsRefused(ILogger logger, IPAddress? remoteAddress, PathString path);
}
