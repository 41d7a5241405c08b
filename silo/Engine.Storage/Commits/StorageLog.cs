using Microsoft.Extensions.Logging;
using Engine.Contracts;

namespace Engine.Storage.Commits;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = LogEventIds.StorageBatchFailed, Level = LogLevel.Error, Message = "A commit of {Count} writes failed; every write of the batch was refused, and so is every write of the next batches that fail the same way (counted, not logged, until a commit succeeds)")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = LogEventIds.StorageCommitsRecovered, Level = LogLevel.Warning, Message = "Commits succeed again, after {Batches} failed batches ({Writes} writes refused) over {Duration}")]
    public static partial void CommitsRecovered(ILogger logger, long batches, long writes, TimeSpan duration);

    [LoggerMessage(EventId = LogEventIds.StorageBatchSplit, Level = LogLevel.Warning, Message = "The database refused a commit of {Count} writes; committing them one by one so that only the refused one fails")]
    public static partial void BatchSplit(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = LogEventIds.StorageCheckpointFailed, Level = LogLevel.Warning, Message = "A checkpoint of the SQLite log failed; the next one tries again")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);
}
