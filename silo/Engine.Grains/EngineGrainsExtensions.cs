using Engine.Domain;
using Engine.Grains.Calendars;
using Engine.Grains.Cases;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Engine.Grains.Hosting;
using Engine.Grains.Judges;
using Engine.Grains.Knowledge;
using Engine.Search;
using Engine.Grains.Routing;
using Engine.Grains.Security;
using Engine.Grains.Statistics;
using Engine.Grains.Tickets;
using Engine.Storage;
using Engine.Storage.Calendars;
using Engine.Storage.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Engine.Grains;

public static class EngineGrainsExtensions
{
    /// <summary>The grains' storage: grain state through the Orleans ADO.NET provider (binary payloads), tickets and
    /// events through the engine's group-committed tables (Engine.Storage), on one SQLite file or on PostgreSQL as
    /// <paramref name="storage"/> says; and the grains' own services. Applies the schema first (so a wrong or
    /// unreachable database stops start-up).</summary>
    public static ISiloBuilder AddEngineStorage(this ISiloBuilder silo, StorageOptions storage)
    {
        var database = silo.Services.AddEngineDatabase(storage);
        silo.AddAdoNetGrainStorage(EngineStorage.AdoNetName, options =>
        {
            options.Invariant = database.Invariant;
            options.ConnectionString = database.ConnectionString;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(EngineStorage.GrainStateName, (services, _) =>
            new RefusingGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.AdoNetName), services.GetRequiredService<StorageRefusals>(), database));
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(EngineStorage.AdoNetName)
            .Configure<IServiceProvider>((options, services) =>
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()));
        if (database is PostgresDatabase)
        {
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MembershipFence>();
        }

        silo.Services.AddSingleton<StorageRefusals>();
        silo.AddIncomingGrainCallFilter<DatabaseUnavailableFilter>();
        silo.Services.AddHostedService<OutboxSweepService>();
        silo.Services.AddSingleton<LookupLockoutRecorder>();
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
        silo.Services.AddOptions<JudgeOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<JudgeOptions>, JudgeOptionsValidator>();
        silo.Services.AddOptions<CaseOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<CaseOptions>, CaseOptionsValidator>();
        silo.Services.AddSingleton(sp => ProgressNodeCatalogue.Load(sp.GetRequiredService<IOptions<CaseOptions>>().Value.ProgressNodesFile));
        silo.Services.AddOptions<DeadlineOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<DeadlineOptions>, DeadlineOptionsValidator>();
        silo.Services.AddSingleton(sp => new CalendarBook(
            sp.GetRequiredService<ICalendarStore>(), sp.GetRequiredKeyedService<TimeProvider>(EngineClock.Key),
            sp.GetRequiredService<ILogger<CalendarBook>>(), sp.GetRequiredService<IOptions<DeadlineOptions>>().Value.CalendarFiles));
        silo.Services.AddSingleton<CalendarWatch>();
        silo.Services.AddHostedService<CalendarWatchService>();
        silo.Services.AddSingleton<DeadlinePlanner>();
        silo.Services.AddSingleton<WakeGate>();
        silo.Services.AddHostedService<DeadlineKeeperService>();
        silo.Services.AddOptions<KnowledgeOptions>().ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<KnowledgeOptions>, KnowledgeOptionsValidator>();
        // jieba.NET words with character pairs (decision 51); a test may put in another analyzer.
        silo.Services.TryAddSingleton(KnowledgeIndexes.Analyzer);
        silo.Services.TryAddSingleton<IKnowledgeIndex>(sp => new Bm25KnowledgeIndex(sp.GetRequiredService<ITextAnalyzer>()));
        silo.Services.AddSingleton<KnowledgeBook>();
        silo.Services.AddHostedService<KnowledgeWatchService>();
        silo.Services.AddSingleton<StatsProjector>();
        silo.Services.AddSingleton<StatsReader>();
        silo.Services.AddSingleton<KnowledgeFiguresReader>();
        silo.Services.AddHostedService<StatsProjectorService>();
        return silo;
    }
}
