using Microsoft.Extensions.Logging;

namespace Engine.Grains.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = EventIds.StorageBatchFailed, Level = LogLevel.Error, Message = "A commit of {Count} writes failed; every write of the batch was refused")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = EventIds.StorageSchemaApplied, Level = LogLevel.Information, Message = "Database {Path} is at schema version {Version}")]
    public static partial void SchemaApplied(ILogger logger, string path, int version);
}
