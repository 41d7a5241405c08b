using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Engine.Tests.Support;

/// <summary>What a call sent as raw bytes got back: the status, the exception when it failed, and the first response
/// message (a stream is read up to its first message and then cancelled).</summary>
public sealed record RawAnswer(StatusCode Status, RpcException? Error, byte[]? Response);

/// <summary>Calls any method with a payload of raw bytes, so that tests can send what no generated client would.</summary>
public static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static MethodType TypeOf(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (false, true) => MethodType.ServerStreaming,
        (true, false) => MethodType.ClientStreaming,
        (true, true) => MethodType.DuplexStreaming,
    };

    public static async Task<RawAnswer> CallAsync(CallInvoker invoker, MethodDescriptor method, byte[] payload, TimeSpan patience)
    {
        var type = TypeOf(method);
        var raw = new Method<byte[], byte[]>(type, method.Service.FullName, method.Name, Bytes, Bytes);
        var options = new CallOptions(deadline: DateTime.UtcNow + patience);
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    return new RawAnswer(StatusCode.OK, null, await invoker.AsyncUnaryCall(raw, null, options, payload));
                case MethodType.ServerStreaming:
                {
                    // Disposing the call after its first message cancels it: a live stream never ends on its own.
                    using var call = invoker.AsyncServerStreamingCall(raw, null, options, payload);
                    return await FirstAsync(call.ResponseStream);
                }

                case MethodType.ClientStreaming:
                {
                    using var call = invoker.AsyncClientStreamingCall(raw, null, options);
                    await call.RequestStream.WriteAsync(payload);
                    await call.RequestStream.CompleteAsync();
                    return new RawAnswer(StatusCode.OK, null, await call.ResponseAsync);
                }

                default:
                {
                    using var call = invoker.AsyncDuplexStreamingCall(raw, null, options);
                    await call.RequestStream.WriteAsync(payload);
                    await call.RequestStream.CompleteAsync();
                    return await FirstAsync(call.ResponseStream);
                }
            }
        }
        catch (RpcException ex)
        {
            return new RawAnswer(ex.StatusCode, ex, null);
        }
    }

    private static async Task<RawAnswer> FirstAsync(IAsyncStreamReader<byte[]> stream) =>
        new(StatusCode.OK, null, await stream.MoveNext(CancellationToken.None) ? stream.Current : null);
}
