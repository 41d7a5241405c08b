using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Engine.Storage.Databases;

/// <summary>Which database holds the engine's data: one SQLite file (embedded, the default) or PostgreSQL (cluster).</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The engine's database: how its stores open a connection, and the few places where SQLite and PostgreSQL need
/// different SQL or handling. Every statement the stores run is otherwise the same text on both (named parameters
/// written <c>@name</c>, <c>ON CONFLICT</c>, <c>RETURNING</c>, <c>LIMIT</c>).
/// </summary>
public abstract class Database
{
    protected Database(string connectionString)
    {
        ConnectionString = connectionString;
    }

    public abstract StorageProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The ADO.NET invariant the Orleans providers are configured with for this database.</summary>
    public abstract string Invariant { get; }

    /// <summary>The folder of schema scripts under Engine.Storage's Schema/.</summary>
    public abstract string SchemaFolder { get; }

    /// <summary>Run before the schema is checked: file settings, and one applier at a time (several silos may
    /// start together).</summary>
    public abstract string BeforeSchemaSql { get; }

    /// <summary>Run after the schema is applied, if <see cref="BeforeSchemaSql"/> took something to give back.</summary>
    public virtual string? AfterSchemaSql => null;

    /// <summary>True when every statement is a round trip to a server, so that the events of a batch are worth
    /// appending in one statement (arrays) rather than one each.</summary>
    public virtual bool AppendsEventsInOneStatement => false;

    /// <summary>The last sequence the event log has handed out (0 when none), even if those events were trimmed.</summary>
    public abstract string LastSequenceSql { get; }

    public static Database Create(StorageOptions options) => options.Provider switch
    {
        StorageProvider.Sqlite => new SqliteDatabase(options.SqliteConnectionString),
        StorageProvider.Postgres => new PostgresDatabase(options.PostgresConnectionString),
        _ => throw new InvalidOperationException($"Engine:Storage:Provider '{options.Provider}' is not one of sqlite, postgres."),
    };

    /// <summary>Where the statistics live: on SQLite a file of their own (one writer per file: counting must not
    /// hold the tickets' writer), on PostgreSQL the engine's database, <paramref name="main"/>.</summary>
    public static Database CreateStats(StorageOptions options, Database main) => main.Provider == StorageProvider.Sqlite
        ? new SqliteDatabase(options.SqliteStatsConnectionString, SqliteDatabase.StatsSchemaFolder)
        : main;

    /// <summary>An open connection from the pool.</summary>
    public DbConnection Open()
    {
        var connection = CreateConnection();
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>An open connection from the pool, opened without holding a thread while PostgreSQL answers (a grain's
    /// activation reads this way: hundreds at once in a burst of wakes blocked the thread pool when they read
    /// synchronously; on SQLite it opens as <see cref="Open"/> does).</summary>
    public async Task<DbConnection> OpenAsync()
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public abstract DbConnection CreateConnection();

    /// <summary>A read transaction in which every statement sees the same snapshot.</summary>
    public abstract DbTransaction BeginSnapshot(DbConnection connection);

    /// <summary>A writing transaction that holds <paramref name="lockKey"/> until it ends: of the silos (or threads)
    /// that ask for the same key, one at a time gets it.</summary>
    public abstract DbTransaction BeginExclusive(DbConnection connection, long lockKey);

    /// <summary>Sets up the dedicated connection the group committer writes through.</summary>
    public virtual void PrepareWriter(DbConnection connection)
    {
    }

    /// <summary>Waits for this process's turn to write, on a database that has one writer (SQLite); at once on one that
    /// has many (PostgreSQL). Taken by the group committers and the grains' state writes (decision 69).</summary>
    public virtual WriterTurn EnterWriter() => default;

    /// <inheritdoc cref="EnterWriter"/>
    public virtual ValueTask<WriterTurn> EnterWriterAsync() => default;

    /// <summary>Runs in a writing transaction just before it appends events, so that sequences are handed out in
    /// commit order: a reader that has seen sequence N can never later find a smaller one appear.</summary>
    public virtual void BeforeAppendingEvents(DbTransaction transaction)
    {
    }

    /// <summary>Runs in a writing transaction that appended events up to <paramref name="head"/>: tells the other
    /// silos' readers, when the transaction commits.</summary>
    public virtual void AnnounceEvents(DbTransaction transaction, long head)
    {
    }

    /// <summary>True when <paramref name="ex"/> says the database cannot be reached or is shutting down, or its disk
    /// failed a read or a write (a call may be retried later), as opposed to a fault in the statement or the data.</summary>
    public abstract bool IsUnavailable(Exception ex);

    /// <summary>True when <paramref name="ex"/> says the database's disk is full: the transaction wrote nothing, and
    /// writes succeed again once an operator frees space.</summary>
    public abstract bool IsFull(Exception ex);

    /// <summary>True when <paramref name="ex"/> says the database ended the transaction to break a deadlock or a
    /// serialization conflict with another transaction: nothing of it was written, and the same transaction run again
    /// can succeed (never on SQLite, whose one writer waits its turn instead).</summary>
    public virtual bool IsConflict(Exception ex) => false;

    /// <summary>True when a transaction that failed with <paramref name="ex"/> would fail whatever it held (the
    /// database is unreachable or full), so that committing its writes one by one would only fail each of them.</summary>
    public bool RefusesEverything(Exception ex) => IsUnavailable(ex) || IsFull(ex);

    /// <summary>The first <typeparamref name="T"/> of <paramref name="ex"/> and its inner exceptions, outermost first
    /// (a driver's exception may arrive wrapped, by the Orleans storage provider say).</summary>
    protected static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="sql"/> once on a pooled connection; answers the rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return command.ExecuteNonQuery();
    }
}

/// <summary>The embedded default: one SQLite file in WAL mode, every commit synced (synchronous=FULL).</summary>
public sealed class SqliteDatabase(string connectionString, string schemaFolder = SqliteDatabase.EngineSchemaFolder) : Database(connectionString), IDisposable
{
    public const string EngineSchemaFolder = "sqlite";
    public const string StatsSchemaFolder = "sqlite-stats";

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string Invariant => "System.Data.SQLite";

    public override string SchemaFolder => schemaFolder;

    /// <summary>The file's full path.</summary>
    public string FilePath => new SqliteConnectionStringBuilder(ConnectionString).DataSource;

    /// <summary>Applies the schema; a file it cannot open, read or write stops start-up with one line naming it.</summary>
    public void Prepare()
    {
        try
        {
            Schema.Apply(this);
        }
        catch (SqliteException ex)
        {
            throw DatabaseFileException.Of(FilePath, derived: schemaFolder == StatsSchemaFolder, ex);
        }
    }

    // WAL is a property of the file, set once; the write lock of a BEGIN IMMEDIATE is not needed because each
    // script runs in its own transaction and a second applier sees the recorded versions.
    public override string BeforeSchemaSql => "PRAGMA journal_mode=WAL;";

    public override string LastSequenceSql => "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)";

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    public override DbTransaction BeginSnapshot(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    // BEGIN IMMEDIATE takes the file's write lock at once: every writer holds the one lock there is, whatever the key.
    public override DbTransaction BeginExclusive(DbConnection connection, long lockKey) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    // The file's one writer taken in turn inside the process: a writer that meets the file locked gets SQLITE_BUSY, and
    // Microsoft.Data.Sqlite retries a busy statement after sleeping on the calling thread, so a group committer that
    // collided with a grain's state write stalled every write queued behind it (decision 69).
    private readonly SemaphoreSlim _writer = new(1, 1);

    public override WriterTurn EnterWriter()
    {
        _writer.Wait();
        return new WriterTurn(_writer);
    }

    public override async ValueTask<WriterTurn> EnterWriterAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        return new WriterTurn(_writer);
    }

    public void Dispose() => _writer.Dispose();

    public override void PrepareWriter(DbConnection connection)
    {
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL;";
        pragma.ExecuteNonQuery();
    }

    // One file, one writer at a time: SQLite itself serializes writing transactions, so sequence order is commit order.
    // BUSY and LOCKED: another connection holds the file longer than the busy timeout; IOERR: the disk failed a read or
    // a write (ENOSPC on the shared-memory index says so too); CANTOPEN, READONLY: the file or its directory went away
    // or became read-only under the running engine. Each may pass when the operator acts, so each is UNAVAILABLE.
    public override bool IsUnavailable(Exception ex) => Find<SqliteException>(ex) is { SqliteErrorCode: Busy or Locked or IoError or CantOpen or ReadOnly };

    public override bool IsFull(Exception ex) => Find<SqliteException>(ex) is { SqliteErrorCode: Full };

    /// <summary>SQLite's primary result codes that the engine tells apart (sqlite3.h).</summary>
    internal const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;
}

/// <summary>Cluster mode: PostgreSQL, shared by every silo.</summary>
public sealed class PostgresDatabase(string connectionString) : Database(connectionString)
{
    /// <summary>The transaction-scoped advisory lock that orders event appends across silos.</summary>
    private const long EventAppendLock = 0x656e67696e65; // "engine"

    /// <summary>The session advisory lock held while one silo applies the schema.</summary>
    private const long SchemaLock = 0x736368656d61; // "schema"

    /// <summary>The notification channel that carries the event log's new head to every silo.</summary>
    public const string EventChannel = "engine_events";

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string Invariant => "Npgsql";

    public override string SchemaFolder => "postgres";

    public override string BeforeSchemaSql => $"SELECT pg_advisory_lock({SchemaLock});";

    public override string? AfterSchemaSql => $"SELECT pg_advisory_unlock({SchemaLock});";

    public override bool AppendsEventsInOneStatement => true;

    public override string LastSequenceSql => "SELECT last_sequence FROM event_head WHERE id = 1";

    public override DbConnection CreateConnection() => new NpgsqlConnection(ConnectionString);

    public override DbTransaction BeginSnapshot(DbConnection connection) => connection.BeginTransaction(IsolationLevel.RepeatableRead);

    public override DbTransaction BeginExclusive(DbConnection connection, long lockKey)
    {
        var transaction = connection.BeginTransaction();
        try
        {
            Run(transaction, $"SELECT pg_advisory_xact_lock({lockKey});");
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    // Several silos append at once: without this lock a transaction holding sequence 10 could commit after one holding
    // 11 had been read, and a reader past 11 would never see 10. The numbers themselves come from event_head
    // (EventInsert), which the lock also keeps continuous.
    public override void BeforeAppendingEvents(DbTransaction transaction)
    {
        Run(transaction, $"SELECT pg_advisory_xact_lock({EventAppendLock});");
        if (Fence is { } silo)
        {
            // Every change appends its events here, under the lock: a silo the others declared dead (frozen, cut off)
            // that wakes commits nothing more, even in the seconds before it learns it is dead and stops.
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT status FROM orleans_membership WHERE deployment_id = @c AND address = @a AND port = @p AND generation = @g;";
            command.Add("@c", silo.ClusterId);
            command.Add("@a", silo.Address);
            command.Add("@p", silo.Port);
            command.Add("@g", silo.Generation);
            if (command.ExecuteScalar() is int status && status == DeadStatus)
            {
                throw new SiloFencedException(silo);
            }
        }
    }

    /// <summary>Orleans' SiloStatus.Dead, as the membership table stores it.</summary>
    public const int DeadStatus = 6;

    /// <summary>The silo this process runs, once it is in the cluster: its writes are refused once it is declared dead.</summary>
    public SiloIdentity? Fence { get; set; }

    public override void AnnounceEvents(DbTransaction transaction, long head) =>
        Run(transaction, $"SELECT pg_notify('{EventChannel}', '{head}');");

    /// <summary>idle_in_transaction_session_timeout: the server ended a session that sat inside a transaction.</summary>
    private const string IdleInTransactionTimedOut = "25P03";

    /// <summary>disk_full: the server could not extend a file.</summary>
    private const string DiskFull = "53100";

    /// <summary>40P01 deadlock detected, 40001 serialization failure: class 40, "transaction rollback".</summary>
    private const string DeadlockDetected = "40P01", SerializationFailure = "40001";

    public override bool IsConflict(Exception ex) => Find<PostgresException>(ex) is { SqlState: DeadlockDetected or SerializationFailure };

    public override bool IsFull(Exception ex) => Find<PostgresException>(ex) is { SqlState: DiskFull };

    public override bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SiloFencedException:
                    return true;
                case PostgresException pg:
                    // Class 08 connection exceptions, 57P01–57P03 shutting down / cannot connect now, 53 resources
                    // (but a full disk is told apart: IsFull), 25P03 a session ended for idling inside its
                    // transaction (decision 66: a stalled silo's write, retried with its key).
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || (pg.SqlState.StartsWith("53", StringComparison.Ordinal) && pg.SqlState != DiskFull)
                        || pg.SqlState == IdleInTransactionTimedOut;
                case NpgsqlException:
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }

    private static void Run(DbTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

public static class DbCommandExtensions
{
    /// <summary>Adds a named parameter (<c>@name</c> in the SQL) with a value, null meaning SQL NULL.</summary>
    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}

/// <summary>A silo in the membership table: the cluster, its address and port, and its generation (start time).</summary>
public sealed record SiloIdentity(string ClusterId, string Address, int Port, int Generation);

/// <summary>A write refused because the cluster declared this silo dead.</summary>
public sealed class SiloFencedException(SiloIdentity silo)
    : Exception($"this silo ({silo.Address}:{silo.Port}, generation {silo.Generation}) was declared dead by the cluster and writes nothing more");

/// <summary>A writer's turn (<see cref="Database.EnterWriter"/>), given back when disposed; the default holds nothing.</summary>
public readonly struct WriterTurn(SemaphoreSlim? turn) : IDisposable
{
    public void Dispose() => turn?.Release();
}
