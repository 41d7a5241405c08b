using Microsoft.Data.Sqlite;

namespace Engine.Grains.Storage;

/// <summary>Where the engine keeps its data. Bound from the "Engine:Storage" configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>The directory of the SQLite file. Default: ./data (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite file name inside <see cref="DataDirectory"/>. Default: engine.db.</summary>
    public string FileName { get; set; } = "engine.db";

    /// <summary>Most tickets committed in one transaction. Default 1000 (see docs/decisions.md).</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Writes waiting for the committer before callers wait for room. Default 20000.</summary>
    public int MaxQueuedWrites { get; set; } = 20_000;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));

    /// <summary>The connection string every component uses: pooled, waiting up to 30 s on a busy database.</summary>
    public string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = DatabasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();
}
