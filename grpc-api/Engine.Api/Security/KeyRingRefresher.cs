using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Engine.Contracts;

namespace Engine.Api.Security;

/// <summary>Asks every refresh interval whether the key table changed (one small read), and reloads it if so. Paced
/// by the runtime's clock, not the engine's (decision 24).</summary>
public sealed partial class KeyRingRefresher(KeyRing ring, IOptions<SecurityOptions> options, ILogger<KeyRingRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Authentication == AuthenticationMode.None)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.KeyRefreshInterval);
        do
        {
            try
            {
                await ring.RefreshAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The silo may still be starting, or the database away: the keys held stay in force meanwhile.
                Log.RefreshFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.KeysRefreshFailed, Level = LogLevel.Warning, Message = "Could not refresh the API keys; the keys held stay in force")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
