using Engine.Domain;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Engine.Grains;

public static class EngineGrainsExtensions
{
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The grains' storage on one SQLite file: grain state through the Orleans ADO.NET provider (binary
    /// payloads), tickets through the engine's group-committed tables. Applies the schema first.</summary>
    public static ISiloBuilder AddEngineSqliteStorage(this ISiloBuilder silo, StorageOptions storage)
    {
        SqliteSchema.Apply(storage.ConnectionString);
        silo.AddAdoNetGrainStorage(EngineStorage.GrainStateName, options =>
        {
            options.Invariant = SqliteInvariant;
            options.ConnectionString = storage.ConnectionString;
        });
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(EngineStorage.GrainStateName)
            .Configure<IServiceProvider>((options, services) =>
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(storage));
        silo.Services.AddSingleton<EventNotifier>();
        silo.Services.AddSingleton<SqliteEventLog>();
        silo.Services.AddSingleton<Outbox>();
        silo.Services.AddHostedService<OutboxSweepService>();
        silo.Services.AddSingleton<SqliteTicketStore>();
        silo.Services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<SqliteTicketStore>());
        silo.Services.AddSingleton<IJudgeLocator, SqliteJudgeLocator>();
        silo.Services.AddSingleton<ILeaveSchedule, SqliteLeaveSchedule>();
        silo.Services.AddHostedService<LeaveStartService>();
        silo.Services.AddOptions<EventRetentionOptions>();
        silo.Services.AddHostedService<EventRetentionService>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(sp => new TicketIds(sp.GetRequiredService<TimeProvider>()));
        silo.Services.AddOptions<TicketPolicyOptions>();
        silo.Services.AddOptions<DeadlineOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<DeadlineOptions>, DeadlineOptionsValidator>();
        silo.Services.AddSingleton<DeadlinePlanner>();
        silo.Services.AddHostedService<DeadlineKeeperService>();
        return silo;
    }
}
