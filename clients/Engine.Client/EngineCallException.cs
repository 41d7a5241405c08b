using Google.Rpc;
using Grpc.Core;

namespace Engine.Client;

/// <summary>A call the engine refused, or that failed on every try the retry policy allowed. It is the last attempt's
/// <see cref="RpcException"/> (same status and trailers), with what the client knows besides: how many tries were
/// made, whether an earlier one may have been applied, and for <c>INVALID_ARGUMENT</c> the fields the engine named.</summary>
public sealed class EngineCallException : RpcException
{
    internal EngineCallException(string method, RpcException last, int attempts, bool outcomeUnknown)
        : base(last.Status, last.Trailers, $"{method}: {last.StatusCode}: {last.Status.Detail}" + (attempts > 1 ? $" (after {attempts} attempts)" : string.Empty))
    {
        Method = method;
        Attempts = attempts;
        OutcomeUnknown = outcomeUnknown;
        FieldViolations = ReadFieldViolations(last);
    }

    /// <summary>The gRPC method, e.g. <c>engine.v1.IntakeService/SubmitTicket</c>.</summary>
    public string Method { get; }

    /// <summary>How many times the call was sent (1: it was not tried again).</summary>
    public int Attempts { get; }

    /// <summary>True when some attempt failed without saying whether the engine had applied it (<c>UNAVAILABLE</c> or
    /// <c>DEADLINE_EXCEEDED</c>). A submission is safe either way (its idempotency key); for a ticket command, which
    /// carries no key, read the ticket before sending the command again: a command already applied is refused
    /// <c>FAILED_PRECONDITION</c> by the ticket's state.</summary>
    public bool OutcomeUnknown { get; }

    /// <summary>For <c>INVALID_ARGUMENT</c>: each bad field of the request as the engine names it (proto field paths
    /// such as <c>caller.phone</c> or <c>tickets[2].content</c>) with why; empty otherwise.</summary>
    public IReadOnlyList<FieldViolation> FieldViolations { get; }

    private static FieldViolation[] ReadFieldViolations(RpcException exception)
    {
        var status = exception.GetRpcStatus();
        return status?.GetDetail<BadRequest>() is { } badRequest
            ? [.. badRequest.FieldViolations.Select(v => new FieldViolation(v.Field, v.Description))]
            : [];
    }
}

/// <summary>One bad field of a request: its proto path and the engine's sentence about it.</summary>
/// <param name="Field">The field's path in the request, e.g. <c>caller.phone</c>.</param>
/// <param name="Description">Why the engine refused it.</param>
public sealed record FieldViolation(string Field, string Description);
