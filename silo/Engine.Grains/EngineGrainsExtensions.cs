using Engine.Domain;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Grains.Stats;
using Engine.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Engine.Grains;

public static class EngineGrainsExtensions
{
    /// <summary>The grains' storage: grain state through the Orleans ADO.NET provider (binary payloads), tickets and
    /// events through the engine's group-committed tables, on one SQLite file or on PostgreSQL as
    /// <paramref name="storage"/> says. Applies the schema first (so a wrong or unreachable database stops start-up).</summary>
    public static ISiloBuilder AddEngineStorage(this ISiloBuilder silo, StorageOptions storage)
    {
        var database = Database.Create(storage);
        Prepare(database);
        var stats = Database.CreateStats(storage, database);
        if (stats != database)
        {
            Prepare(stats);
        }

        silo.AddAdoNetGrainStorage(EngineStorage.AdoNetName, options =>
        {
            options.Invariant = database.Invariant;
            options.ConnectionString = database.ConnectionString;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(EngineStorage.GrainStateName, (services, _) =>
            new RefusingGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.AdoNetName), services.GetRequiredService<StorageRefusals>()));
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(EngineStorage.AdoNetName)
            .Configure<IServiceProvider>((options, services) =>
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(storage));
        silo.Services.AddSingleton(database);
        silo.Services.AddSingleton<EventNotifier>();
        silo.Services.AddSingleton<EventLog>();
        if (database is PostgresDatabase)
        {
            silo.Services.AddHostedService<EventListenerService>();
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MembershipFence>();
        }

        silo.Services.AddSingleton<StorageRefusals>();
        silo.AddIncomingGrainCallFilter<DatabaseUnavailableFilter>();
        silo.Services.AddSingleton<Outbox>();
        silo.Services.AddHostedService<OutboxSweepService>();
        silo.Services.AddSingleton<Access.AccessStore>();
        silo.Services.AddSingleton<Grains.LookupLockoutRecorder>();
        silo.Services.AddSingleton<TicketStore>();
        silo.Services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<TicketStore>());
        silo.Services.AddSingleton<IJudgeLocator, JudgeLocator>();
        silo.Services.AddSingleton<ILeaveSchedule, LeaveSchedule>();
        silo.Services.AddHostedService<LeaveStartService>();
        silo.Services.AddOptions<EventRetentionOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<EventRetentionOptions>, EventRetentionOptionsValidator>();
        silo.Services.AddHostedService<EventRetentionService>();
        // Two clocks: the engine's (ticket times, deadlines, statistics) and the one that paces polling loops, which
        // is the runtime's. A replay moves the first without the loops firing once per interval it skipped.
        silo.Services.TryAddKeyedSingleton(EngineClock.Key, TimeProvider.System);
        silo.Services.TryAddSingleton(TimeProvider.System);
        // Membership's clock counts from its first use, which keeps Orleans' watchdog from reporting the machine's
        // uptime as a stall at every start (MembershipClock says why).
        silo.Services.TryAddKeyedSingleton<TimeProvider>(MembershipClock.Key, (sp, _) => new MembershipClock(sp.GetRequiredService<TimeProvider>()));
        silo.Services.AddSingleton(sp => new TicketIds(sp.GetRequiredKeyedService<TimeProvider>(EngineClock.Key)));
        silo.Services.AddOptions<TicketPolicyOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<TicketPolicyOptions>, TicketPolicyOptionsValidator>();
        silo.Services.AddOptions<DeadlineOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<DeadlineOptions>, DeadlineOptionsValidator>();
        silo.Services.AddSingleton<Calendars.CalendarStore>();
        silo.Services.AddSingleton(sp => new Calendars.CalendarBook(
            sp.GetRequiredService<Calendars.CalendarStore>(), sp.GetRequiredKeyedService<TimeProvider>(EngineClock.Key),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Calendars.CalendarBook>>(), sp.GetRequiredService<IOptions<DeadlineOptions>>().Value.CalendarFiles));
        silo.Services.AddSingleton<Calendars.CalendarWatch>();
        silo.Services.AddHostedService<Calendars.CalendarWatchService>();
        silo.Services.AddSingleton<DeadlinePlanner>();
        silo.Services.AddHostedService<DeadlineKeeperService>();
        silo.Services.AddKeyedSingleton(StatsProjector.DatabaseKey, stats);
        silo.Services.AddSingleton<StatsProjector>();
        silo.Services.AddSingleton<StatsReader>();
        silo.Services.AddHostedService<StatsProjectorService>();
        return silo;
    }

    private static void Prepare(Database database)
    {
        if (database is SqliteDatabase file)
        {
            file.Prepare();
        }
        else
        {
            Schema.Apply(database);
        }
    }
}
