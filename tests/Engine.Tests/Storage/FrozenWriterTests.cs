using Engine.Contracts.Tickets;
using Engine.Grains.Events;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Tests.StorageTests;

/// <summary>Cluster mode: a silo frozen inside a transaction (SIGSTOP, a paused VM, a stalled disk) holds what that
/// transaction locked, first of all the lock that orders event appends across silos. PostgreSQL ends such a session
/// after <see cref="StorageOptions.IdleInTransactionTimeout"/> (decision 66), so the others' writes wait seconds, not
/// for as long as it stays frozen.</summary>
public sealed class FrozenWriterTests
{
    [Fact]
    public async Task A_writer_stuck_inside_its_transaction_with_the_event_order_lock_is_cut_off_and_the_others_write_on()
    {
        using var db = new StoreUnderTest(StorageProvider.Postgres);
        var postgres = (PostgresDatabase)db.Database;
        using var frozen = postgres.CreateConnection();
        frozen.Open();
        using var held = frozen.BeginTransaction();
        // Where a silo's write stands when it is frozen between its statements: the append lock taken, nothing sent since.
        postgres.BeforeAppendingEvents(held);

        var ticket = TestTickets.New(db.Ids.Next());
        // Without the timeout this waits for the lock for as long as the session lives; the limit turns that into a failure.
        Assert.Null(await db.Store.CreateAsync(ticket, TicketEvents.Rows(TicketAggregate.Created(ticket, "test"))).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(1, db.Scalar("SELECT COUNT(*) FROM tickets"));
        // What the frozen silo meets when it wakes: a refusal its caller hears as UNAVAILABLE (retry with the same key).
        var ended = Assert.ThrowsAny<Exception>(() => held.Commit());
        Assert.True(postgres.IsUnavailable(ended), ended.ToString());
    }

    [Fact]
    public void An_operator_s_own_idle_transaction_timeout_is_kept_and_the_engine_s_added_otherwise()
    {
        var plain = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=db;Database=engine;Username=engine" };
        var own = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=db;Options=-c idle_in_transaction_session_timeout=30s -c search_path=court" };

        Assert.Equal($"-c idle_in_transaction_session_timeout={StorageOptions.IdleInTransactionTimeout}", new Npgsql.NpgsqlConnectionStringBuilder(plain.PostgresConnectionString).Options);
        Assert.Equal("-c idle_in_transaction_session_timeout=30s -c search_path=court", new Npgsql.NpgsqlConnectionStringBuilder(own.PostgresConnectionString).Options);
    }
}
