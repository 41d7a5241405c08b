using Engine.Search;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Knowledge;

/// <summary>One per silo: every Engine:Knowledge:RefreshInterval it reads the knowledge changes made on any silo into
/// this silo's index (one indexed read when nothing changed), and rebuilds the index when the court's day turns.</summary>
internal sealed class KnowledgeWatchService(KnowledgeBook book, IOptionsMonitor<KnowledgeOptions> options, TimeProvider pace, ILogger<KnowledgeWatchService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The segmentation dictionary (about a second) loads now, not in the first search or the first counted ticket.
        await Task.Run(KnowledgeIndexes.Warm, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.RefreshInterval, pace, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                book.Refresh();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be busy or unreachable: this silo searches with what it has and looks again.
                KnowledgeLog.RefreshFailed(logger, ex);
            }
        }
    }
}
