using System.Reflection;
using Google.Protobuf;
using Grpc.Core;

namespace Engine.Api;

/// <summary>
/// Binds a service as its generated BindService does, but with request marshallers that answer INVALID_ARGUMENT when
/// the bytes are not the request message. grpc-dotnet parses the request before any interceptor runs and answers
/// UNKNOWN to a parse failure, which tells the caller the engine failed rather than that its request was malformed.
/// A service opts in with
/// <c>[BindServiceMethod(typeof(StrictParsing&lt;TServiceBase&gt;), nameof(StrictParsing&lt;TServiceBase&gt;.BindService))]</c>;
/// grpc-dotnet's binder then finds the handlers on the service class as usual.
/// </summary>
/// <typeparam name="TServiceBase">The generated service base class, e.g. IntakeService.IntakeServiceBase.</typeparam>
public static class StrictParsing<TServiceBase>
    where TServiceBase : class
{
    private static readonly MethodInfo Generated =
        typeof(TServiceBase).DeclaringType?.GetMethod("BindService", [typeof(ServiceBinderBase), typeof(TServiceBase)])
        ?? throw new InvalidOperationException($"{typeof(TServiceBase)} is not a generated gRPC service base class.");

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
        Justification = "grpc-dotnet's binder looks up a static method with exactly (ServiceBinderBase, TServiceBase) parameters; a generic method cannot match, so the type carries TServiceBase.")]
    public static void BindService(ServiceBinderBase binder, TServiceBase service) => Generated.Invoke(null, [new Binder(binder), service]);

    private sealed class Binder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Strict(method), handler);

        private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
            {
                try
                {
                    return parse(context);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw Errors.Invalid([("request", $"is not a valid {typeof(TRequest).Name}: {ex.Message}")]);
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }
    }
}
