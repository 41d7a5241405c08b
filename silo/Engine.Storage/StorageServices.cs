using Engine.Storage.Access;
using Engine.Storage.Calendars;
using Engine.Storage.Cases;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Judges;
using Engine.Storage.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engine.Storage;

/// <summary>What the storage layer gives a host: its databases and every store, registered by interface.</summary>
public static class StorageServices
{
    /// <summary>The service key of the statistics' database (on SQLite a file of its own; on PostgreSQL the engine's).</summary>
    public const string StatsDatabaseKey = "stats";

    /// <summary>
    /// Opens the engine's database as <paramref name="options"/> say and brings its schema, and that of the statistics'
    /// file, up to date: a wrong, damaged or unreachable database stops start-up here, with one line naming it. Then
    /// registers the database (and the statistics' one under <see cref="StatsDatabaseKey"/>) and the stores: tickets,
    /// the event log and its outbox, keys and audit, calendars, judges' courts and the timers of grains that carry their own (due_timers); and, as hosted
    /// services, event retention and (PostgreSQL) the listener that hears other silos' events. Answers the engine's
    /// database, which the host also gives the Orleans providers.
    /// </summary>
    public static Database AddEngineDatabase(this IServiceCollection services, StorageOptions options)
    {
        var database = Database.Create(options);
        Prepare(database);
        var stats = Database.CreateStats(options, database);
        if (stats != database)
        {
            Prepare(stats);
        }

        services.AddSingleton(Options.Create(options));
        services.AddSingleton(database);
        services.AddKeyedSingleton(StatsDatabaseKey, stats);
        services.AddSingleton<EventNotifier>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<EventLog>());
        if (database is PostgresDatabase)
        {
            services.AddHostedService<EventListenerService>();
        }

        services.AddSingleton<IOutbox, Outbox>();
        services.AddSingleton<IAccessStore, AccessStore>();
        services.AddSingleton<Lookups.ICallerLookupStore, Lookups.CallerLookupStore>();
        services.AddSingleton<TicketStore>();
        services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<TicketStore>());
        services.AddSingleton<IJudgeLocator, JudgeLocator>();
        services.AddSingleton<Timers.IDueTimers, Timers.DueTimers>();
        services.AddSingleton<IJudgeTimerStore, JudgeTimerStore>();
        services.AddSingleton<ICalendarStore, CalendarStore>();
        services.AddSingleton<Knowledge.KnowledgeStore>();
        services.AddSingleton<ICasePartyIndex, CasePartyIndex>();
        services.AddOptions<EventRetentionOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventRetentionOptions>, EventRetentionOptionsValidator>();
        services.AddHostedService<EventRetentionService>();
        return database;
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
