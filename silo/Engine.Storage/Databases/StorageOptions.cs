using Microsoft.Data.Sqlite;
using Npgsql;

namespace Engine.Storage.Databases;

/// <summary>Where the engine keeps its data. Bound from the "Engine:Storage" configuration section; start-up refuses
/// a value outside the range each setting names (<see cref="StorageOptionsValidator"/>).</summary>
public sealed class StorageOptions
{
    public const int MaxBatchSizeLimit = 100_000;
    public const int MaxQueuedWritesLimit = 1_000_000;
    public const int CheckpointRestartPagesMin = 256;
    public const int CheckpointRestartPagesMax = 1_048_576;

    /// <summary><c>sqlite</c> (default: one file, no setup) or <c>postgres</c> (cluster mode; needs
    /// <see cref="ConnectionString"/>). Allowed: those two.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>PostgreSQL only: an Npgsql connection string (Host, Port, Database, Username, Password...). Required,
    /// and naming a Host, with postgres; refused with sqlite, which would ignore it (a silo meant for the cluster would
    /// run alone on a file of its own).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite only: the directory of the database file. Default: ./data (relative to the working directory).
    /// Allowed: not empty, and writable (checked at start).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>SQLite only: the file name inside <see cref="DataDirectory"/>. Default: engine.db. Allowed: a file name
    /// without a directory.</summary>
    public string FileName { get; set; } = "engine.db";

    /// <summary>SQLite only: the file of the statistics inside <see cref="DataDirectory"/>. Default: stats.db. Apart from
    /// the engine's file so that counting never holds the writer of tickets; derived from the event log, so it needs
    /// no backup (RebuildStats counts it again). Allowed: a file name without a directory, not <see cref="FileName"/>.</summary>
    public string StatsFileName { get; set; } = "stats.db";

    /// <summary>Most tickets committed in one transaction. Default 1000 (see docs/decisions.md). Allowed: 1 to 100,000
    /// (0 leaves the committer spinning with every write waiting; a batch's slots are allocated up front).</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Writes waiting for the committer before callers wait for room. Default 20000. Allowed: 1 to 1,000,000
    /// (the queue needs a place; beyond, waiting writes hold memory instead of slowing their callers).</summary>
    public int MaxQueuedWrites { get; set; } = 20_000;

    /// <summary>SQLite only: the size of the write-ahead log, in 4 KiB pages, past which the committer lets it start
    /// over (see <see cref="WalCheckpointer"/>). Default 16384 (64 MiB). Allowed: 256 (1 MiB, what the committer may
    /// be left to copy itself; below it the committer would finish a checkpoint after nearly every batch) to 1,048,576
    /// (4 GiB of log).</summary>
    public int CheckpointRestartPages { get; set; } = 16_384;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));

    public string StatsDatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, StatsFileName));

    /// <summary>The SQLite connection string every component uses: pooled, waiting up to 30 s on a busy database.</summary>
    public string SqliteConnectionString => Sqlite(DatabasePath);

    public string SqliteStatsConnectionString => Sqlite(StatsDatabasePath);

    private static string Sqlite(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>How long PostgreSQL lets a session sit inside a transaction without sending its next statement before it
    /// ends the session and rolls the transaction back. The engine's transactions send their statements back to back
    /// (milliseconds); a silo frozen inside one (SIGSTOP, a paused VM, a stalled disk) held the lock that orders event
    /// appends, and every silo's writes waited for as long as it stayed frozen (decision 66).</summary>
    public const string IdleInTransactionTimeout = "5s";

    /// <summary>The most connections a silo's stores and grain state keep to PostgreSQL when the operator sets no
    /// <c>Maximum Pool Size</c> (Npgsql's own default is 100). A burst of activations (every judge woken after a
    /// calendar change) otherwise opened a hundred new sessions per silo at once: PostgreSQL forks a process for each,
    /// on a loaded machine they passed the connect timeout, and the turns that waited for them held the silo's threads
    /// until it missed its membership probes. Past this bound a call waits for a pooled connection, which a statement
    /// of milliseconds gives back, up to the connect timeout; the silo's bound on wakes in flight follows this size, so
    /// that a burst of them waits in the wake gate, without a thread, rather than here (decision 75).</summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>The connections Orleans' membership and reminder tables use, in a pool of their own: a silo's probes
    /// and liveness writes never wait behind the data's (decision 75).</summary>
    public const int MembershipPoolSize = 4;

    /// <summary>The PostgreSQL connection string with the engine's defaults where the operator set none: a short
    /// connect timeout (a database that is down answers UNAVAILABLE quickly instead of holding calls), at most
    /// <see cref="DefaultMaxPoolSize"/> connections, statements prepared automatically, an application name that shows
    /// in pg_stat_activity, and a session inside a transaction that stops sending statements ended after
    /// <see cref="IdleInTransactionTimeout"/> (an <c>Options</c> that sets <c>idle_in_transaction_session_timeout</c>
    /// itself is kept).</summary>
    public string PostgresConnectionString
    {
        get
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                throw new InvalidOperationException("Engine:Storage:ConnectionString is required when Engine:Storage:Provider is postgres.");
            }

            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"Engine:Storage:ConnectionString is not a valid PostgreSQL connection string: {ex.Message}", ex);
            }

            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new InvalidOperationException("Engine:Storage:ConnectionString names no Host.");
            }

            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = ConnectionString };
            var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
            if (!keys.Overlaps(["TIMEOUT", "CONNECTTIMEOUT", "CONNECTIONTIMEOUT"]))
            {
                builder.Timeout = 3;
            }

            if (!keys.Overlaps(["MAXIMUMPOOLSIZE", "MAXPOOLSIZE"]))
            {
                builder.MaxPoolSize = DefaultMaxPoolSize;
            }

            if (!keys.Contains("MAXAUTOPREPARE"))
            {
                builder.MaxAutoPrepare = 32;
            }

            if (!keys.Contains("APPLICATIONNAME"))
            {
                builder.ApplicationName = "court-engine";
            }

            if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.OrdinalIgnoreCase) != true)
            {
                builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout={IdleInTransactionTimeout}".TrimStart();
            }

            return builder.ConnectionString;
        }
    }

    /// <summary>The most connections the silo's pool keeps to PostgreSQL: <see cref="DefaultMaxPoolSize"/>, or the
    /// operator's <c>Maximum Pool Size</c>.</summary>
    public int PostgresMaxPoolSize => new NpgsqlConnectionStringBuilder(PostgresConnectionString).MaxPoolSize;

    /// <summary>What Orleans' membership and reminder tables connect with: <see cref="PostgresConnectionString"/> under
    /// another application name, which makes it a pool of its own (Npgsql keeps one pool per connection string) of
    /// <see cref="MembershipPoolSize"/> connections.</summary>
    public string PostgresMembershipConnectionString
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
            builder.ApplicationName = $"{builder.ApplicationName} membership";
            builder.MaxPoolSize = MembershipPoolSize;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, MembershipPoolSize);
            return builder.ConnectionString;
        }
    }
}
