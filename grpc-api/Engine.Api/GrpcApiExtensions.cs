using Engine.Domain;
using Engine.Api.Services;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using V1 = Engine.V1;

namespace Engine.Api;

public static class GrpcApiExtensions
{
    /// <summary>Largest request accepted (bulk imports are the largest).</summary>
    public const int MaxReceiveMessageBytes = 32 * 1024 * 1024;

    /// <summary>The engine's gRPC services, health and reflection. The host supplies IGrainFactory.</summary>
    /// <param name="section">The host's settings ("Engine" or "Frontend"), whose Security and Events the host binds:
    /// a bad value stops start-up with a line naming it under this section.</param>
    public static IServiceCollection AddEngineGrpc(this IServiceCollection services, string section)
    {
        services.AddGrpc(options =>
        {
            // Outermost first: who is calling and may they, then errors turned into statuses (which the audit of an
            // administrative call records as its outcome).
            options.Interceptors.Add<Security.AccessInterceptor>();
            options.Interceptors.Add<ErrorInterceptor>();
            options.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            options.EnableDetailedErrors = false;
        });
        services.AddSingleton(new StrictReflectionService([.. EngineServices, Grpc.Health.V1.Health.Descriptor, Grpc.Reflection.V1Alpha.ServerReflection.Descriptor]));
        services.AddSingleton<StrictHealthService>();
        services.AddSingleton<HealthServiceImpl>(provider => provider.GetRequiredService<StrictHealthService>());
        services.TryAddKeyedSingleton(EngineClock.Key, TimeProvider.System);
        services.AddOptions<CallWaitOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallWaitOptions>>(new CallWaitOptionsValidator($"{section}:Calls"));
        services.AddOptions<EventStreamOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventStreamOptions>>(new EventStreamOptionsValidator($"{section}:Events"));
        services.AddOptions<Security.SecurityOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Security.SecurityOptions>>(new Security.SecurityOptionsValidator($"{section}:Security"));
        services.AddSingleton<Security.KeyRing>();
        services.AddSingleton<Security.CallLimits>();
        services.AddHostedService<Security.KeyRingRefresher>();
        return services;
    }

    /// <summary>The services of engine.v1, as health and reflection name them.</summary>
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor[] EngineServices =
    [
        V1.IntakeService.Descriptor, V1.TicketService.Descriptor, V1.CaseService.Descriptor, V1.DirectoryService.Descriptor,
        V1.EventService.Descriptor, V1.StatsService.Descriptor, V1.AccessService.Descriptor, V1.CalendarService.Descriptor,
        V1.KnowledgeService.Descriptor,
    ];

    /// <summary>Maps the services; <paramref name="host"/> (e.g. "*:50051") keeps them off the dashboard's port.</summary>
    public static IEndpointRouteBuilder MapEngineGrpc(this IEndpointRouteBuilder endpoints, string host)
    {
        endpoints.MapGrpcService<IntakeApi>().RequireHost(host);
        endpoints.MapGrpcService<TicketApi>().RequireHost(host);
        endpoints.MapGrpcService<CaseApi>().RequireHost(host);
        endpoints.MapGrpcService<DirectoryApi>().RequireHost(host);
        endpoints.MapGrpcService<EventApi>().RequireHost(host);
        endpoints.MapGrpcService<StatsApi>().RequireHost(host);
        endpoints.MapGrpcService<AccessApi>().RequireHost(host);
        endpoints.MapGrpcService<CalendarApi>().RequireHost(host);
        endpoints.MapGrpcService<KnowledgeApi>().RequireHost(host);
        endpoints.MapGrpcService<StrictHealthService>().RequireHost(host);
        endpoints.MapGrpcService<StrictReflectionService>().RequireHost(host);
        return endpoints;
    }

    /// <summary>Marks every service SERVING (or NOT_SERVING) in grpc.health.v1.</summary>
    public static void SetServing(this HealthServiceImpl health, bool serving)
    {
        var status = serving ? Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving : Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing;
        health.SetStatus(string.Empty, status);
        foreach (var service in EngineServices)
        {
            health.SetStatus(service.FullName, status);
        }
    }
}
