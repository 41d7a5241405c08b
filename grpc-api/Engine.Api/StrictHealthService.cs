using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Reflection;
using Grpc.Reflection.V1Alpha;

namespace Engine.Api;

/// <summary>grpc.health.v1 as Grpc.HealthCheck serves it, bound through <see cref="StrictParsing{TServiceBase}"/>: a
/// request that is not a HealthCheckRequest gets INVALID_ARGUMENT naming "request", as every engine.v1 call does,
/// rather than UNKNOWN.</summary>
[BindServiceMethod(typeof(StrictParsing<Health.HealthBase>), nameof(StrictParsing<Health.HealthBase>.BindService))]
public sealed class StrictHealthService : HealthServiceImpl;

/// <summary>Server reflection as Grpc.Reflection serves it, over the engine's own services, with the same strict
/// request parsing.</summary>
[BindServiceMethod(typeof(StrictParsing<ServerReflection.ServerReflectionBase>), nameof(StrictParsing<ServerReflection.ServerReflectionBase>.BindService))]
public sealed class StrictReflectionService(IEnumerable<ServiceDescriptor> services) : ReflectionServiceImpl(services);
