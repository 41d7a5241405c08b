using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Engine.Client.Tests.Support;

/// <summary>An interceptor under the client's retry loop: it sees every attempt (method and request), can fail an
/// attempt before it is sent, and can act after the engine answered one (kill the engine, lose the answer).</summary>
public sealed class CallRecorder : Interceptor
{
    private readonly ConcurrentQueue<(string Method, object Request)> _attempts = new();

    /// <summary>Given the method's short name and the attempt number (1-based, per method), a status to fail that
    /// attempt with instead of sending it; null: send it.</summary>
    public Func<string, int, StatusCode?> FailBefore { get; set; } = (_, _) => null;

    /// <summary>Runs after the engine answered an attempt (method, attempt number); may throw to lose the answer.</summary>
    public Func<string, int, Task> AfterAnswer { get; set; } = (_, _) => Task.CompletedTask;

    public IReadOnlyList<object> Requests(string method) => [.. _attempts.Where(a => a.Method == method).Select(a => a.Request)];

    public int Attempts(string method) => _attempts.Count(a => a.Method == method);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var method = context.Method.Name;
        int attempt;
        lock (_attempts)
        {
            _attempts.Enqueue((method, request));
            attempt = Attempts(method);
        }

        if (FailBefore(method, attempt) is { } code)
        {
            var status = new Status(code, $"injected by the test (attempt {attempt})");
            return new AsyncUnaryCall<TResponse>(
                Task.FromException<TResponse>(new RpcException(status)), Task.FromResult(new Metadata()), () => status, () => [], () => { });
        }

        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(AnsweredAsync(call.ResponseAsync, method, attempt), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private async Task<TResponse> AnsweredAsync<TResponse>(Task<TResponse> response, string method, int attempt)
    {
        var answer = await response;
        await AfterAnswer(method, attempt);
        return answer;
    }
}
