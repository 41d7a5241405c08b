using Microsoft.Extensions.Logging;

namespace Engine.Grains.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = EventIds.StorageBatchFailed, Level = LogLevel.Error, Message = "A commit of {Count} writes failed; every write of the batch was refused")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);
}
