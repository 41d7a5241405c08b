using System.Collections.Immutable;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Engine.Grains.Deadlines;
using Engine.Grains.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Engine.Grains.Storage;

/// <summary>
/// Tickets in the SQLite file, written through a <see cref="GroupCommitter{TWrite}"/> on one dedicated connection
/// (WAL, synchronous=FULL: a commit is on disk when it returns), read through pooled connections.
/// </summary>
public sealed class SqliteTicketStore : ITicketStore, IDisposable
{
    private readonly Serializer<TicketRecord> _serializer;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly GroupCommitter<TicketWrite> _committer;
    private readonly WriterCommands _commands;

    /// <summary>The states <see cref="TicketLifecycle.IsOpen"/> calls open, as an SQL list.</summary>
    private static readonly string OpenStates = "(" + string.Join(", ", Enum.GetValues<TicketState>().Where(TicketLifecycle.IsOpen).Select(s => (int)s)) + ")";

    private readonly EventNotifier _notifier;

    public SqliteTicketStore(IOptions<StorageOptions> options, Serializer<TicketRecord> serializer, EventNotifier notifier, ILogger<SqliteTicketStore> logger)
    {
        _notifier = notifier;
        _serializer = serializer;
        _connectionString = options.Value.ConnectionString;
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        using (var pragma = _writer.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=FULL;";
            pragma.ExecuteNonQuery();
        }

        _commands = new WriterCommands(_writer);
        using (var head = _writer.CreateCommand())
        {
            head.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM events;";
            _notifier.Advance((long)head.ExecuteScalar()!);
        }

        _committer = new GroupCommitter<TicketWrite>("ticket-commit", Commit, options.Value.MaxBatchSize, options.Value.MaxQueuedWrites, logger);
    }

    public GroupCommitter<TicketWrite> Committer => _committer;

    public async Task<string?> CreateAsync(TicketRecord ticket, IReadOnlyList<EventRow> events) =>
        (string?)await _committer.WriteAsync(new TicketWrite(ticket, Payload(ticket), ExpectedVersion: null, events));

    public Task UpdateAsync(TicketRecord ticket, long expectedVersion, IReadOnlyList<EventRow> events) =>
        _committer.WriteAsync(new TicketWrite(ticket, Payload(ticket), expectedVersion, events));

    public Task UpdateAndCreateAsync(TicketRecord ticket, long expectedVersion, IReadOnlyList<EventRow> events, TicketRecord created, IReadOnlyList<EventRow> createdEvents) =>
        _committer.WriteAsync(new TicketWrite(ticket, Payload(ticket), expectedVersion, events)
        {
            AlsoCreate = new TicketWrite(created, Payload(created), ExpectedVersion: null, createdEvents),
        });

    public Task<TicketRecord?> LoadAsync(string ticketId)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM tickets WHERE ticket_id = $id;";
        command.Parameters.AddWithValue("$id", ticketId);
        return Task.FromResult(command.ExecuteScalar() is byte[] payload ? _serializer.Deserialize(payload) : null);
    }

    public Task<string?> FindByIdempotencyKeyAsync(Channel channel, string idempotencyKey)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ticket_id FROM ticket_idempotency WHERE channel = $c AND idempotency_key = $k;";
        command.Parameters.AddWithValue("$c", (int)channel);
        command.Parameters.AddWithValue("$k", idempotencyKey);
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task<TicketPage> ListAsync(TicketQuery query)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ticket_id, payload FROM tickets WHERE 1 = 1");
        if (query.AssigneeId is not null)
        {
            sql.Append(query.AssigneeType == AssigneeType.Judge
                ? " AND ((assignee_type = $at AND assignee_id = $aid) OR delegated_from = $aid)"
                : " AND assignee_type = $at AND assignee_id = $aid");
            command.Parameters.AddWithValue("$at", (int)query.AssigneeType);
            command.Parameters.AddWithValue("$aid", query.AssigneeId);
        }

        if (query.OpenOnly)
        {
            sql.Append(" AND state IN ").Append(OpenStates);
        }

        AddFilter(command, sql, "court_id", "$court", query.CourtId);
        AddFilter(command, sql, "case_number", "$case", query.CaseNumber);
        AddFilter(command, sql, "state", "$state", query.State == TicketState.Unspecified ? null : (int)query.State);
        AddFilter(command, sql, "kind", "$kind", query.Kind == TicketKind.Unspecified ? null : (int)query.Kind);
        if (query.AfterTicketId is not null)
        {
            sql.Append(query.OldestFirst ? " AND ticket_id > $after" : " AND ticket_id < $after");
            command.Parameters.AddWithValue("$after", query.AfterTicketId);
        }

        sql.Append(query.OldestFirst ? " ORDER BY ticket_id ASC" : " ORDER BY ticket_id DESC");
        sql.Append(" LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        command.CommandText = sql.ToString();

        var tickets = ImmutableArray.CreateBuilder<TicketRecord>(query.PageSize);
        var more = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (tickets.Count == query.PageSize)
                {
                    more = true;
                    break;
                }

                tickets.Add(_serializer.Deserialize((byte[])reader[1])!);
            }
        }

        return Task.FromResult(new TicketPage(tickets.ToImmutable(), more ? tickets[^1].TicketId : null));
    }

    public Task<string?> FindOpenDuplicateAsync(string caseNumber, TicketKind kind, string callerPhone, DateTimeOffset since)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT ticket_id FROM tickets
            WHERE case_number = $case AND kind = $kind AND caller_phone = $phone AND state IN {OpenStates}
              AND created_at_ms >= $since
            ORDER BY ticket_id LIMIT 1;
            """;
        command.Parameters.AddWithValue("$case", caseNumber);
        command.Parameters.AddWithValue("$kind", (int)kind);
        command.Parameters.AddWithValue("$phone", callerPhone);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task<IReadOnlyList<(string TicketId, DateTimeOffset DueAt)>> DueAsync(int shard, DateTimeOffset now, int limit)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ticket_id, due_at_ms FROM tickets
            WHERE due_shard = $shard AND due_at_ms IS NOT NULL AND due_at_ms <= $now
            ORDER BY due_at_ms LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$shard", shard);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        var due = new List<(string, DateTimeOffset)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return Task.FromResult<IReadOnlyList<(string, DateTimeOffset)>>(due);
    }

    public Task<IReadOnlyDictionary<string, int>> OpenLoadsAsync(string courtId)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT assignee_id, COUNT(*) FROM tickets
            WHERE court_id = $court AND assignee_type = {(int)AssigneeType.Judge}
              AND state IN {OpenStates}
            GROUP BY assignee_id;
            """;
        command.Parameters.AddWithValue("$court", courtId);
        var loads = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            loads[reader.GetString(0)] = reader.GetInt32(1);
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(loads);
    }

    public void Dispose()
    {
        _committer.Dispose();
        _commands.Dispose();
        _writer.Dispose();
    }

    private static void AddFilter(SqliteCommand command, StringBuilder sql, string column, string parameter, object? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = ").Append(parameter);
            command.Parameters.AddWithValue(parameter, value);
        }
    }

    private SqliteConnection OpenReader() => Sqlite.Open(_connectionString);

    private byte[] Payload(TicketRecord ticket) => _serializer.SerializeToArray(ticket);

    /// <summary>Runs on the committer's thread: the whole batch in one transaction, each write in its own savepoint
    /// so that one refused write (a version conflict) does not refuse the others.</summary>
    private void Commit(IReadOnlyList<TicketWrite> writes, Span<object?> results)
    {
        using var transaction = _writer.BeginTransaction();
        _commands.Enlist(transaction);
        var head = 0L;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            _commands.Savepoint.ExecuteNonQuery();
            try
            {
                results[i] = write.ExpectedVersion is null ? _commands.Create(write) : _commands.Update(write);
                if (results[i] is null)
                {
                    head = Math.Max(head, _commands.Events.Append(write.Events));
                    if (write.AlsoCreate is { } also && _commands.Create(also) is null)
                    {
                        head = Math.Max(head, _commands.Events.Append(also.Events));
                    }
                }

                _commands.Release.ExecuteNonQuery();
            }
            catch (SqliteException ex)
            {
                _commands.RollbackToSavepoint.ExecuteNonQuery();
                _commands.Release.ExecuteNonQuery();
                results[i] = ex;
            }
        }

        transaction.Commit();
        if (head > 0)
        {
            _notifier.Advance(head);
        }
    }

    /// <summary>A write for the committer: a new ticket (no expected version) or a new version of one.</summary>
    public sealed record TicketWrite(TicketRecord Ticket, byte[] Payload, long? ExpectedVersion, IReadOnlyList<EventRow> Events)
    {
        /// <summary>A new ticket made in the same savepoint as this write (so: both or neither).</summary>
        public TicketWrite? AlsoCreate { get; init; }
    }

    /// <summary>Prepared statements of the writer connection, reused by every batch.</summary>
    private sealed class WriterCommands : IDisposable
    {
        private readonly SqliteCommand[] _all;
        private readonly SqliteCommand _claimKey;
        private readonly SqliteCommand _findKey;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;

        public WriterCommands(SqliteConnection connection)
        {
            Savepoint = Make(connection, "SAVEPOINT w;");
            Release = Make(connection, "RELEASE w;");
            RollbackToSavepoint = Make(connection, "ROLLBACK TO w;");
            _claimKey = Make(connection, "INSERT OR IGNORE INTO ticket_idempotency (channel, idempotency_key, ticket_id) VALUES ($channel, $key, $id);");
            _findKey = Make(connection, "SELECT ticket_id FROM ticket_idempotency WHERE channel = $channel AND idempotency_key = $key;");
            _insert = Make(connection, """
                INSERT INTO tickets (ticket_id, version, channel, idempotency_key, kind, state, court_id, case_number,
                                     assignee_type, assignee_id, created_at_ms, updated_at_ms, payload, caller_phone, delegated_from,
                                     due_at_ms, due_shard)
                VALUES ($id, $version, $channel, $key, $kind, $state, $court, $case, $atype, $aid, $created, $updated, $payload, $phone, $delegated,
                        $due, $shard);
                """);
            _update = Make(connection, """
                UPDATE tickets SET version = $version, kind = $kind, state = $state, court_id = $court, case_number = $case,
                                   assignee_type = $atype, assignee_id = $aid, updated_at_ms = $updated, payload = $payload,
                                   caller_phone = $phone, delegated_from = $delegated, due_at_ms = $due, due_shard = $shard
                WHERE ticket_id = $id AND version = $expected;
                """);
            _all = [Savepoint, Release, RollbackToSavepoint, _claimKey, _findKey, _insert, _update];
            Events = new EventInsert(connection);
        }

        public SqliteCommand Savepoint { get; }

        public SqliteCommand Release { get; }

        public SqliteCommand RollbackToSavepoint { get; }

        public EventInsert Events { get; }

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in _all)
            {
                command.Transaction = transaction;
            }

            Events.Transaction = transaction;
        }

        /// <returns>Null when created; the id of the ticket holding the key when it was taken.</returns>
        public string? Create(TicketWrite write)
        {
            var t = write.Ticket;
            Bind(_claimKey, ("$channel", (int)t.Channel), ("$key", t.IdempotencyKey), ("$id", t.TicketId));
            if (_claimKey.ExecuteNonQuery() == 0)
            {
                Bind(_findKey, ("$channel", (int)t.Channel), ("$key", t.IdempotencyKey));
                return (string)_findKey.ExecuteScalar()!;
            }

            BindRow(_insert, write);
            _insert.Parameters["$channel"].Value = (int)t.Channel;
            _insert.Parameters["$key"].Value = t.IdempotencyKey;
            _insert.Parameters["$created"].Value = t.CreatedAt.ToUnixTimeMilliseconds();
            _insert.ExecuteNonQuery();
            return null;
        }

        public object? Update(TicketWrite write)
        {
            BindRow(_update, write);
            _update.Parameters["$expected"].Value = write.ExpectedVersion!.Value;
            return _update.ExecuteNonQuery() == 1
                ? null
                : new InvalidOperationException($"Ticket {write.Ticket.TicketId} changed concurrently (expected version {write.ExpectedVersion}).");
        }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }

            Events.Dispose();
        }

        private static void BindRow(SqliteCommand command, TicketWrite write)
        {
            var t = write.Ticket;
            command.Parameters["$id"].Value = t.TicketId;
            command.Parameters["$version"].Value = t.Version;
            command.Parameters["$kind"].Value = (int)t.Kind;
            command.Parameters["$state"].Value = (int)t.State;
            command.Parameters["$court"].Value = (object?)t.CourtId ?? DBNull.Value;
            command.Parameters["$case"].Value = (object?)t.CaseNumber ?? DBNull.Value;
            command.Parameters["$atype"].Value = (int)t.Assignee.Type;
            command.Parameters["$aid"].Value = t.Assignee.Id;
            command.Parameters["$updated"].Value = t.UpdatedAt.ToUnixTimeMilliseconds();
            command.Parameters["$payload"].Value = write.Payload;
            command.Parameters["$phone"].Value = string.IsNullOrEmpty(t.Caller.Phone) ? DBNull.Value : t.Caller.Phone;
            command.Parameters["$delegated"].Value = (object?)t.DelegatedFrom ?? DBNull.Value;
            var due = t.Deadlines?.NextDueAt;
            command.Parameters["$due"].Value = due is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value;
            command.Parameters["$shard"].Value = due is null ? DBNull.Value : DeadlineShards.Of(t.TicketId);
        }

        private static void Bind(SqliteCommand command, params ReadOnlySpan<(string Name, object Value)> values)
        {
            foreach (var (name, value) in values)
            {
                command.Parameters[name].Value = value;
            }
        }

        private static SqliteCommand Make(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in ParameterNames(sql))
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }

            return command;
        }

        private static IEnumerable<string> ParameterNames(string sql) =>
            System.Text.RegularExpressions.Regex.Matches(sql, @"\$[a-z]+").Select(m => m.Value).Distinct(StringComparer.Ordinal);
    }
}
