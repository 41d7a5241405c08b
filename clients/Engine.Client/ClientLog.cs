using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Engine.Client;

/// <summary>What the client logs: retries and stream reconnections, with the engine's status (never a request's
/// content, a phone number or a key).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "{Method}: attempt {Attempt} failed with {Code} ({Detail}); trying again in {Wait}")]
    public static partial void Retrying(ILogger logger, string method, int attempt, StatusCode code, string detail, TimeSpan wait);

    [LoggerMessage(2, LogLevel.Warning, "{Method}: gave up after {Attempts} attempts: {Code} ({Detail})")]
    public static partial void GaveUp(ILogger logger, string method, int attempts, StatusCode code, string detail);

    [LoggerMessage(3, LogLevel.Warning, "event stream {Subscription}: broke after sequence {Sequence} ({Code}: {Detail}); subscribing again in {Wait}")]
    public static partial void StreamBroke(ILogger logger, string subscription, long sequence, StatusCode code, string detail, TimeSpan wait);

    [LoggerMessage(4, LogLevel.Information, "event stream {Subscription}: subscribed again after sequence {Sequence}")]
    public static partial void StreamResumed(ILogger logger, string subscription, long sequence);
}
