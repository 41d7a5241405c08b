using Engine.Contracts;
using Engine.Contracts.Grains;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Api.Security;

/// <summary>
/// The first thing every call meets: who is calling (an API key, or a client certificate bound to one), whether
/// their role may call this method, whether they are within their rate and the process within its limits; then, for
/// administrative calls, an audit entry written before the call runs and completed with its outcome; and on the way
/// out, phone numbers masked for callers without the personal-data scope.
/// </summary>
public sealed partial class AccessInterceptor(KeyRing keys, CallLimits limits, IOptions<SecurityOptions> options, IClusterClient grains, ILogger<AccessInterceptor> logger) : Interceptor
{
    public const string KeyHeader = "x-api-key";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (AccessPolicy.IsUnauthenticated(context.Method))
        {
            return await continuation(request, context);
        }

        var (caller, rule) = await AdmitAsync(context);
        limits.TakeRate(caller);
        using var slot = limits.EnterCall();
        var response = rule.Audited
            ? await AuditedAsync(caller, (IMessage)request, context, () => continuation(request, context))
            : await continuation(request, context);
        return caller.Scope.PersonalData || response is not IMessage message ? response : (TResponse)PersonalData.Masked(message);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (AccessPolicy.IsUnauthenticated(context.Method))
        {
            await continuation(request, responseStream, context);
            return;
        }

        var (caller, _) = await AdmitAsync(context);
        limits.TakeRate(caller);
        using var slot = limits.EnterStream();
        // Streams mask what they write themselves (the event service), item by item.
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        // Server reflection is the only duplex call; it describes the API and holds no data.
        await AdmitAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task<(Principal Caller, AccessPolicy.Rule Rule)> AdmitAsync(ServerCallContext context)
    {
        var caller = await AuthenticateAsync(context);
        var rule = AccessPolicy.For(context.Method);
        if (rule is null || !rule.Roles.Contains(caller.Role))
        {
            throw Errors.Plain(StatusCode.PermissionDenied, $"a key with role {caller.Role} may not call {context.Method.TrimStart('/')}");
        }

        caller.AttachTo(context);
        return (caller, rule);
    }

    private async Task<Principal> AuthenticateAsync(ServerCallContext context)
    {
        if (options.Value.Authentication == AuthenticationMode.None)
        {
            return Principal.Open;
        }

        var presented = context.RequestHeaders.GetValue(KeyHeader) ?? Bearer(context.RequestHeaders.GetValue("authorization"));
        var certificate = context.GetHttpContext().Connection.ClientCertificate is { } cert ? Domain.ApiKeys.CertificateSha256(cert.RawData) : null;
        if (presented is null && certificate is null)
        {
            throw Errors.Plain(StatusCode.Unauthenticated, "this call needs an API key: send the header 'authorization: Bearer cek_…' (or 'x-api-key'), or a client certificate bound to a key");
        }

        Principal? caller;
        try
        {
            caller = await keys.AuthenticateAsync(presented, certificate);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            // The keys could not be loaded (the cluster is starting, or its database is away).
            throw ErrorInterceptor.Translate(ex);
        }

        return caller ?? throw Errors.Plain(StatusCode.Unauthenticated, "the API key (or client certificate) is not valid: unknown, revoked or expired");
    }

    private static string? Bearer(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    /// <summary>Writes the action to the audit log before it runs (so nothing administrative happens unrecorded), then
    /// its outcome. An entry left without outcome means the engine stopped during the call.</summary>
    private async Task<TResponse> AuditedAsync<TResponse>(Principal caller, IMessage request, ServerCallContext context, Func<Task<TResponse>> call)
    {
        var audit = grains.GetGrain<IAccessGrain>(0);
        long id;
        try
        {
            id = await audit.BeginAuditAsync(caller.Actor, context.Method.TrimStart('/'), AuditText.Target(request), AuditText.Detail(request));
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            // Not recorded, not done.
            throw ErrorInterceptor.Translate(ex);
        }

        try
        {
            var response = await call();
            await CompleteAsync(audit, id, "OK");
            return response;
        }
        catch (Exception ex)
        {
            var refused = ErrorInterceptor.Translate(ex);
            await CompleteAsync(audit, id, $"{refused.StatusCode}: {refused.Status.Detail}");
            throw;
        }
    }

    /// <summary>The action has happened (or was refused) whether or not its outcome can be written: a failure here is
    /// logged and the entry stays without outcome, which the log reads as "unknown".</summary>
    private async Task CompleteAsync(IAccessGrain audit, long id, string outcome)
    {
        try
        {
            await audit.CompleteAuditAsync(id, outcome);
        }
        catch (Exception ex)
        {
            Log.OutcomeNotRecorded(logger, ex, id);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.AuditOutcomeNotRecorded, Level = LogLevel.Warning, Message = "Could not record the outcome of audit entry {Id}; it stays without outcome")]
        public static partial void OutcomeNotRecorded(ILogger logger, Exception exception, long id);
    }
}
