using Engine.Contracts;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Engine.Api;

/// <summary>
/// Turns what grains throw into the status codes of DESIGN.md §5: refusals keep their code and sentence, an
/// unreachable or overloaded cluster is UNAVAILABLE, and anything unexpected is INTERNAL without internals.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger, Microsoft.Extensions.Options.IOptions<CallWaitOptions> calls) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await WithinDeadline(continuation(request, context), context, CallWaitOptions.LongRunning.Contains(context.Method) ? null : calls.Value.ClusterWait);
        }
        catch (RpcException answered)
        {
            Note(answered, answered, context);
            throw;
        }
        catch (Exception ex)
        {
            throw Handle(ex, context);
        }
    }

    /// <summary>How long before the caller's deadline a call still waiting on the cluster is answered UNAVAILABLE.</summary>
    private static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(250);

    /// <summary>A call waiting on a silo that froze or died can wait for Orleans' response timeout (30 s), past the
    /// caller's deadline; answering UNAVAILABLE after <paramref name="clusterWait"/>, or just before the deadline when
    /// that comes first, tells the caller to retry (with the same key, so a write that lands late does not make a
    /// second ticket) while the cluster moves the silo's grains, instead of leaving it waiting.</summary>
    private static async Task<TResponse> WithinDeadline<TResponse>(Task<TResponse> call, ServerCallContext context, TimeSpan? clusterWait)
    {
        var left = context.Deadline == DateTime.MaxValue ? TimeSpan.MaxValue : context.Deadline - DateTime.UtcNow - DeadlineMargin;
        if (clusterWait is { } wait && wait < left)
        {
            left = wait;
        }

        if (left == TimeSpan.MaxValue)
        {
            return await call;
        }

        try
        {
            return await call.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            throw Errors.Plain(StatusCode.Unavailable, "the engine did not answer in time (a silo may be down); retry with the same idempotency key");
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException answered)
        {
            Note(answered, answered, context);
            throw;
        }
        catch (Exception ex)
        {
            throw Handle(ex, context);
        }
    }

    /// <summary>The RpcException a caller should see for <paramref name="ex"/>.</summary>
    public static RpcException Translate(Exception ex) => ex switch
    {
        RpcException rpc => rpc,

        // Orleans wraps what a grain's state storage threw ("Error from storage provider …"): the refusal is inside.
        OrleansException { InnerException: EngineException refusal } => Translate(refusal),
        EngineException { Kind: EngineErrorKind.InvalidArgument } e => Errors.Invalid([(e.Field ?? "request", e.Message)]),
        EngineException { Kind: EngineErrorKind.NotFound } e => Errors.NotFound(e.Message),
        EngineException { Kind: EngineErrorKind.FailedPrecondition } e => Errors.Precondition(e.Message),
        EngineException { Kind: EngineErrorKind.AlreadyExists } e => Errors.Plain(StatusCode.AlreadyExists, e.Message),
        EngineException { Kind: EngineErrorKind.Unavailable } e => Errors.Plain(StatusCode.Unavailable, e.Message),
        EngineException { Kind: EngineErrorKind.PermissionDenied } e => Errors.Plain(StatusCode.PermissionDenied, e.Message),
        EngineException { Kind: EngineErrorKind.ResourceExhausted } e => Errors.Plain(StatusCode.ResourceExhausted, e.Message),
        EngineException { Kind: EngineErrorKind.Aborted } e => Errors.Plain(StatusCode.Aborted, e.Message),
        TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException
            => Errors.Plain(StatusCode.Unavailable, "the engine is unavailable; retry with the same idempotency key"),
        OperationCanceledException => Errors.Plain(StatusCode.Cancelled, "the call was cancelled"),
        _ when FromDatabaseDriver(ex) => Errors.Plain(StatusCode.Unavailable, "the database is unavailable; retry with the same idempotency key"),
        _ => Errors.Plain(StatusCode.Internal, "internal error"),
    };

    /// <summary>A failure of the database driver that escaped the silo's own translation (for example while a grain
    /// was being activated). On a standalone front-end the driver's types are unknown, so Orleans hands it over as a
    /// fallback exception naming the original type.</summary>
    private static bool FromDatabaseDriver(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            var type = e is Orleans.Serialization.UnavailableExceptionFallbackException fallback ? fallback.ExceptionType : e.GetType().FullName;
            if (type is not null && type.StartsWith("Npgsql.", StringComparison.Ordinal) && !type.Equals("Npgsql.PostgresException", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private RpcException Handle(Exception ex, ServerCallContext context)
    {
        var rpc = Translate(ex);
        Note(ex, rpc, context);
        return rpc;
    }

    /// <summary>An engine that failed is logged as an error with its exception; a refusal (bad input, a missing id, a
    /// wrong state, a lost race) is the caller's business and costs one debug line without the exception, so a
    /// hostile or broken caller cannot fill the log with stack traces. The refusal's sentence is not logged: it may
    /// quote what the caller sent.</summary>
    private void Note(Exception ex, RpcException answer, ServerCallContext context)
    {
        if (answer.StatusCode is StatusCode.Internal or StatusCode.Unavailable or StatusCode.Unknown or StatusCode.DataLoss)
        {
            Log.CallFailed(logger, ex, context.Method, answer.StatusCode);
        }
        else
        {
            Log.CallRefused(logger, context.Method, answer.StatusCode);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.CallFailed, Level = LogLevel.Error, Message = "{Method} failed with {Code}")]
        public static partial void CallFailed(ILogger logger, Exception exception, string method, StatusCode code);

        [LoggerMessage(EventId = LogEventIds.CallRefused, Level = LogLevel.Debug, Message = "{Method} refused with {Code}")]
        public static partial void CallRefused(ILogger logger, string method, StatusCode code);
    }
}
