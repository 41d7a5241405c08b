using System.Data.Common;
using Engine.Contracts;
using Engine.Grains.Hosting;
using Engine.Storage.Commits;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using Engine.Storage.Timers;
using Engine.Tests.Support;
using Npgsql;

namespace Engine.Tests.StorageTests;

/// <summary>Decision 76: PostgreSQL ends one transaction of a deadlock. The calendar sweep's update of every wake met an
/// outbox batch setting some of them, and the batch, refused whole, failed a case's upsert with INTERNAL.</summary>
public sealed class DeadlockRetryTests
{
    [Fact]
    public async Task A_batch_that_PostgreSQL_ends_to_break_a_deadlock_is_run_again_and_commits()
    {
        using var db = new StoreUnderTest(StorageProvider.Postgres);
        var database = db.Database;
        foreach (var owner in new[] { "case:A", "case:B" })
        {
            database.Execute(DueTimers.UpsertSql, ("@o", owner), ("@t", 1_000L), ("@s", DueTimers.ShardOf(owner)));
        }

        using var writer = new BatchWriter(database, new EventNotifier(TimeProvider.System));
        using var other = database.Open();
        using var held = other.BeginTransaction();
        Run(other, held, "UPDATE due_timers SET due_at_ms = 5 WHERE owner_key = 'case:B';");

        var runs = 0;
        var batch = Task.Run(() => writer.Commit((connection, transaction) =>
        {
            runs++;
            Run(connection, transaction, "UPDATE due_timers SET due_at_ms = 2000 WHERE owner_key = 'case:A';");
            Run(connection, transaction, "UPDATE due_timers SET due_at_ms = 2000 WHERE owner_key = 'case:B';");
            return [];
        }));

        // The batch holds A and waits for B. The other transaction now asks for A: a deadlock. PostgreSQL breaks it
        // by ending the transaction whose wait began first, the batch's (each checks a second after it began waiting).
        await Eventually.TrueAsync(() => db.Scalar("SELECT COUNT(*) FROM pg_locks WHERE NOT granted") > 0, "the batch waits for the row the other transaction holds");
        Run(other, held, "UPDATE due_timers SET due_at_ms = 5 WHERE owner_key = 'case:A';");
        held.Commit();
        await batch.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, runs);
        Assert.Equal(2_000, db.Scalar("SELECT due_at_ms FROM due_timers WHERE owner_key = 'case:A'"));
        Assert.Equal(2_000, db.Scalar("SELECT due_at_ms FROM due_timers WHERE owner_key = 'case:B'"));
    }

    [Theory]
    [InlineData("40P01")]
    [InlineData("40001")]
    public void A_conflict_that_outlasts_the_attempts_is_refused_as_UNAVAILABLE_for_the_caller_to_retry_with_its_key(string sqlState)
    {
        var refusal = new StorageRefusals(new PostgresDatabase("Host=db")).For(new PostgresException("the transaction was ended", "ERROR", "ERROR", sqlState));

        Assert.Equal(EngineErrorKind.Unavailable, refusal?.Kind);
    }

    private static void Run(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.Command(sql, transaction);
        command.ExecuteNonQuery();
    }
}
