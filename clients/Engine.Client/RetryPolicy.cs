using System.Security.Authentication;
using Google.Rpc;
using Grpc.Core;

namespace Engine.Client;

/// <summary>Which failures are tried again, and the wait before each new try (docs/client.md, "Retries").</summary>
internal static class RetryPolicy
{
    /// <summary>The engine answered nothing usable but may on a new try: it (or its database) is away, the attempt's
    /// deadline passed, it is over a limit or its disk is full, or a write lost a race and wrote nothing.</summary>
    public static bool IsRetryable(RpcException exception) =>
        exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted
        && !IsTlsFailure(exception);

    /// <summary>Failures that leave open whether the engine applied the call.</summary>
    public static bool LeavesOutcomeUnknown(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2 for the first retry): an exponential step
    /// bounded by MaxBackoff, drawn between half and all of it (so that many clients failed at once do not come back at
    /// once), and no shorter than the engine asked for.</summary>
    public static TimeSpan Backoff(EngineRetryOptions options, int nextAttempt, TimeSpan? engineAsked, double random)
    {
        var step = options.InitialBackoff.TotalMilliseconds * Math.Pow(options.Multiplier, nextAttempt - 2);
        var ceiling = Math.Min(options.MaxBackoff.TotalMilliseconds, step);
        var wait = TimeSpan.FromMilliseconds(ceiling / 2 + ceiling / 2 * random);
        return engineAsked is { } asked && asked > wait ? asked : wait;
    }

    /// <summary>The delay the engine asked for in a google.rpc.RetryInfo detail (sent with limit refusals).</summary>
    public static TimeSpan? EngineAsked(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan() is { } delay && delay > TimeSpan.Zero
            ? TimeSpan.FromTicks(Math.Min(delay.Ticks, TimeSpan.FromMinutes(1).Ticks))
            : null;

    /// <summary>A certificate the client does not trust fails the same way on every try.</summary>
    private static bool IsTlsFailure(RpcException exception)
    {
        for (var inner = exception.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}
