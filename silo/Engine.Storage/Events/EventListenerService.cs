using Engine.Contracts;
using Engine.Storage.Databases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Engine.Storage.Events;

/// <summary>
/// Cluster mode: every silo's committers announce the log's new head with NOTIFY when they commit; this service
/// LISTENs and wakes the silo's waiting readers, so a subscriber served by one silo sees events written by another
/// at once. A hint only, like the local wake: after a lost connection it reconnects and reads the head itself.
/// </summary>
internal sealed partial class EventListenerService(Database database, EventLog log, EventNotifier notifier, ILogger<EventListenerService> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)database.CreateConnection();
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, System.Globalization.CultureInfo.InvariantCulture, out var head))
                    {
                        notifier.Advance(head);
                    }
                };
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = $"LISTEN {PostgresDatabase.EventChannel};";
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever was committed while no one listened.
                notifier.Advance(log.Head());

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (database.IsUnavailable(ex))
            {
                Log.ListenerLost(logger, ex.Message);
                await Task.Delay(Retry, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.EventListenerLost, Level = LogLevel.Warning, Message = "Lost the database connection that hears other silos' events ({Reason}); reconnecting")]
        public static partial void ListenerLost(ILogger logger, string reason);
    }
}
