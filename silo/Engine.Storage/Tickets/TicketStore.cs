using System.Collections.Immutable;
using System.Text;
using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Commits;
using Engine.Storage.Databases;
using Engine.Storage.Events;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Engine.Storage.Tickets;

/// <summary>
/// Tickets in the engine's database, written through a <see cref="GroupCommitter{TWrite}"/> on one dedicated
/// connection (a commit is durable when it returns: SQLite synchronous=FULL, PostgreSQL synchronous_commit), read
/// through pooled connections.
/// </summary>
public sealed class TicketStore : ITicketStore, IDisposable
{
    private readonly Serializer<TicketRecord> _serializer;
    private readonly Database _database;
    private readonly GroupCommitter<TicketWrite> _committer;
    private readonly ILogger _logger;
    private readonly WalCheckpointer? _checkpointer;
    private DbConnection? _writer;
    private WriterCommands? _commands;

    /// <summary>The states <see cref="TicketLifecycle.IsOpen"/> calls open, as an SQL list.</summary>
    private static readonly string OpenStates = "(" + string.Join(", ", Enum.GetValues<TicketState>().Where(TicketLifecycle.IsOpen).Select(s => (int)s)) + ")";

    /// <summary>Intake's open-duplicate look-up, in the order of the case index's columns: the index answers it alone
    /// (docs/decisions.md, entry 29).</summary>
    internal static readonly string OpenDuplicateSql = $"""
        SELECT ticket_id FROM tickets
        WHERE case_number = @case AND caller_phone = @phone AND kind = @kind AND created_at_ms >= @since
          AND state IN {OpenStates}
        ORDER BY created_at_ms, ticket_id LIMIT 1;
        """;

    private readonly EventNotifier _notifier;

    public TicketStore(Database database, IOptions<StorageOptions> options, Serializer<TicketRecord> serializer, EventNotifier notifier, ILogger<TicketStore> logger)
    {
        _database = database;
        _notifier = notifier;
        _serializer = serializer;
        _logger = logger;
        _notifier.Advance(new EventLog(database).Head());
        _checkpointer = database.Provider == StorageProvider.Sqlite ? new WalCheckpointer(database, options.Value.CheckpointRestartPages, logger) : null;
        _committer = new GroupCommitter<TicketWrite>("ticket-commit", Commit, options.Value.MaxBatchSize, options.Value.MaxQueuedWrites, logger);
    }

    public GroupCommitter<TicketWrite> Committer => _committer;

    /// <summary>SQLite only: the thread that checkpoints the log off the committer's path.</summary>
    public WalCheckpointer? Checkpointer => _checkpointer;

    public async Task<string?> CreateAsync(TicketRecord ticket, IReadOnlyList<EventRow> events) =>
        (string?)await _committer.WriteAsync(new TicketWrite(ticket, Payload(ticket), ExpectedVersion: null, events));

    public Task UpdateAsync(TicketRecord ticket, long expectedVersion, IReadOnlyList<EventRow> events) =>
        _committer.WriteAsync(new TicketWrite(ticket, Payload(ticket), expectedVersion, events));

    public Task UpdateAndCreateAsync(TicketRecord ticket, long expectedVersion, IReadOnlyList<EventRow> events, TicketRecord created, IReadOnlyList<EventRow> createdEvents) =>
        _committer.WriteAsync(new TicketWrite(ticket, Payload(ticket), expectedVersion, events)
        {
            AlsoCreate = new TicketWrite(created, Payload(created), ExpectedVersion: null, createdEvents),
        });

    public TicketRecord? Load(string ticketId)
    {
        using var connection = _database.Open();
        using var command = connection.Command("SELECT payload FROM tickets WHERE ticket_id = @id;");
        command.Add("@id", ticketId);
        return command.ExecuteScalar() is byte[] payload ? _serializer.Deserialize(payload) : null;
    }

    public string? FindByIdempotencyKey(Channel channel, string idempotencyKey)
    {
        using var connection = _database.Open();
        using var command = connection.Command("SELECT ticket_id FROM ticket_idempotency WHERE channel = @c AND idempotency_key = @k;");
        command.Add("@c", (int)channel);
        command.Add("@k", idempotencyKey);
        return command.ExecuteScalar() as string;
    }

    public TicketPage List(TicketQuery query)
    {
        using var connection = _database.Open();
        using var command = ListCommand(connection, query);
        return ReadPage(command, query.PageSize);
    }

    /// <summary>The statement of a page of <see cref="List"/>. SQLite keeps no statistics here, so the statement says
    /// which index leads by disqualifying the others' columns (a unary plus on an integer, <c>|| ''</c> on text; both
    /// read the same on PostgreSQL): the case's when a case is given (a few tickets), else a judge's (a person's,
    /// unique in the country), else the court's; a division's, an office's or a queue's id is shared by every court,
    /// so with a court it only filters. Without this a judge's page in a court read the whole court's tickets, and a
    /// court's page of one case as many (docs/decisions.md, entry 71).</summary>
    internal static DbCommand ListCommand(DbConnection connection, TicketQuery query)
    {
        var command = connection.CreateCommand();
        var caseLeads = query.CaseNumber is not null;
        var judgeLeads = !caseLeads && query.AssigneeId is not null && query.AssigneeType == AssigneeType.Judge;
        var courtLeads = !caseLeads && !judgeLeads && query.CourtId is not null;
        var assigneeType = caseLeads || courtLeads ? "+assignee_type" : "assignee_type";
        var sql = new StringBuilder("SELECT ticket_id, payload FROM tickets WHERE 1 = 1");
        if (query.AssigneeId is not null)
        {
            sql.Append(query.AssigneeType == AssigneeType.Judge && !query.HeldOnly
                ? $" AND (({assigneeType} = @at AND assignee_id = @aid) OR delegated_from = @aid)"
                : $" AND {assigneeType} = @at AND assignee_id = @aid");
            command.Add("@at", (int)query.AssigneeType);
            command.Add("@aid", query.AssigneeId);
        }

        if (query.OpenOnly)
        {
            sql.Append(" AND state IN ").Append(OpenStates);
        }

        AddFilter(command, sql, caseLeads || judgeLeads ? "(court_id || '')" : "court_id", "@court", query.CourtId);
        AddFilter(command, sql, "case_number", "@case", query.CaseNumber);
        AddFilter(command, sql, "state", "@state", query.State == TicketState.Unspecified ? null : (int)query.State);
        AddFilter(command, sql, "kind", "@kind", query.Kind == TicketKind.Unspecified ? null : (int)query.Kind);
        if (query.AfterTicketId is not null)
        {
            sql.Append(query.OldestFirst ? " AND ticket_id > @after" : " AND ticket_id < @after");
            command.Add("@after", query.AfterTicketId);
        }

        sql.Append(query.OldestFirst ? " ORDER BY ticket_id ASC" : " ORDER BY ticket_id DESC");
        sql.Append(" LIMIT @limit;");
        command.Add("@limit", query.PageSize + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>Reads up to <paramref name="pageSize"/> tickets of a query that asked for one more, which says whether
    /// another page follows.</summary>
    private TicketPage ReadPage(DbCommand command, int pageSize)
    {
        var tickets = ImmutableArray.CreateBuilder<TicketRecord>(pageSize);
        var more = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (tickets.Count == pageSize)
                {
                    more = true;
                    break;
                }

                tickets.Add(_serializer.Deserialize((byte[])reader[1])!);
            }
        }

        return new TicketPage(tickets.ToImmutable(), more ? tickets[^1].TicketId : null);
    }

    public TicketPage ListByCaller(string callerPhone, string? caseNumber, string? beforeTicketId, int pageSize)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ticket_id, payload FROM tickets WHERE caller_phone = @phone");
        command.Add("@phone", callerPhone);
        AddFilter(command, sql, "case_number", "@case", caseNumber);
        if (beforeTicketId is not null)
        {
            sql.Append(" AND ticket_id < @before");
            command.Add("@before", beforeTicketId);
        }

        sql.Append(" ORDER BY ticket_id DESC LIMIT @limit;");
        command.Add("@limit", pageSize + 1);
        command.CommandText = sql.ToString();
        return ReadPage(command, pageSize);
    }

    public string? FindOpenDuplicate(string caseNumber, TicketKind kind, string callerPhone, DateTimeOffset since)
    {
        using var connection = _database.Open();
        using var command = connection.Command(OpenDuplicateSql);
        command.Add("@case", caseNumber);
        command.Add("@phone", callerPhone);
        command.Add("@kind", (int)kind);
        command.Add("@since", since.ToUnixTimeMilliseconds());
        return command.ExecuteScalar() as string;
    }

    public IReadOnlyList<(string TicketId, DateTimeOffset DueAt)> Due(int shard, DateTimeOffset now, int limit, DateTimeOffset? after = null)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ticket_id, due_at_ms FROM tickets
            WHERE due_shard = @shard AND due_at_ms IS NOT NULL AND due_at_ms > @after AND due_at_ms <= @now
            ORDER BY due_at_ms LIMIT @limit;
            """;
        command.Add("@shard", shard);
        command.Add("@after", after?.ToUnixTimeMilliseconds() ?? long.MinValue);
        command.Add("@now", now.ToUnixTimeMilliseconds());
        command.Add("@limit", limit);
        var due = new List<(string, DateTimeOffset)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return due;
    }

    public IReadOnlyList<string> CountedBefore(int year, long change, string? afterTicketId, int limit)
    {
        using var connection = _database.Open();
        using var command = connection.Command("""
            SELECT ticket_id FROM tickets
            WHERE plan_last_year >= @year AND plan_stamp < @change AND plan_first_year <= @year AND ticket_id > @after
            ORDER BY ticket_id LIMIT @limit;
            """);
        command.Add("@change", change);
        command.Add("@year", year);
        command.Add("@after", afterTicketId ?? string.Empty);
        command.Add("@limit", limit);
        var ids = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>A court's open tickets per judge (@court), read through the court's index. The unary plus keeps
    /// SQLite, which has no statistics, from choosing the assignee index for the GROUP BY's order: that read every
    /// ticket assigned to any judge in the country at each court's first activation (docs/decisions.md, entry 70).</summary>
    internal static readonly string OpenLoadsSql = $"""
        SELECT assignee_id, COUNT(*) FROM tickets
        WHERE court_id = @court AND +assignee_type = {(int)AssigneeType.Judge}
          AND state IN {OpenStates}
        GROUP BY assignee_id;
        """;

    public IReadOnlyDictionary<string, int> OpenLoads(string courtId)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = OpenLoadsSql;
        command.Add("@court", courtId);
        var loads = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            loads[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return loads;
    }

    public void Dispose()
    {
        _committer.Dispose();
        _checkpointer?.Dispose();
        ResetWriter();
    }

    private static void AddFilter(DbCommand command, StringBuilder sql, string column, string parameter, object? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = ").Append(parameter);
            command.Add(parameter, value);
        }
    }

    private byte[] Payload(TicketRecord ticket) => _serializer.SerializeToArray(ticket);

    /// <summary>Runs on the committer's thread: the whole batch in one transaction. A version conflict refuses only
    /// its own write (it changes no row). If the database refuses the transaction itself (a constraint one write
    /// broke, a deadlock with another silo), each write is committed alone so that only the guilty one fails; if
    /// the database cannot be reached or its disk is full, the whole batch fails and the next one reconnects.</summary>
    private void Commit(IReadOnlyList<TicketWrite> writes, Span<object?> results)
    {
        using var turn = _database.EnterWriter();
        try
        {
            CommitTogether(writes, results);
            _checkpointer?.Committed(_writer!);
        }
        catch (DbException ex) when (writes.Count > 1 && !_database.RefusesEverything(ex))
        {
            StorageLog.BatchSplit(_logger, ex, writes.Count);
            var single = new object?[1];
            for (var i = 0; i < writes.Count; i++)
            {
                try
                {
                    CommitTogether([writes[i]], single);
                    results[i] = single[0];
                }
                catch (DbException one) when (!_database.RefusesEverything(one))
                {
                    results[i] = one;
                }
            }
        }
    }

    private void CommitTogether(IReadOnlyList<TicketWrite> writes, Span<object?> results)
    {
        var commands = Writer();
        try
        {
            using var transaction = _writer!.BeginTransaction();
            commands.Enlist(transaction);
            var events = new List<EventRow>();
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                results[i] = write.ExpectedVersion is null ? commands.Create(write) : commands.Update(write);
                if (results[i] is null)
                {
                    events.AddRange(write.Events);
                    if (write.AlsoCreate is { } also && commands.Create(also) is null)
                    {
                        events.AddRange(also.Events);
                    }
                }
            }

            var head = 0L;
            if (events.Count > 0)
            {
                _database.BeforeAppendingEvents(transaction);
                head = commands.Events.Append(events);
                if (head > 0)
                {
                    _database.AnnounceEvents(transaction, head);
                }
            }

            transaction.Commit();
            if (head > 0)
            {
                _notifier.Advance(head);
            }
        }
        catch (Exception ex) when (_database.RefusesEverything(ex) || _writer?.State != System.Data.ConnectionState.Open)
        {
            // A connection that lost its server, or whose file met a full or failing disk, is let go: the next batch
            // opens one again, and so finds the database again by itself once it is back.
            ResetWriter();
            throw;
        }
    }

    /// <summary>The committer's connection and statements, (re)opened when the last batch lost them.</summary>
    private WriterCommands Writer()
    {
        if (_commands is not null && _writer is { State: System.Data.ConnectionState.Open })
        {
            return _commands;
        }

        ResetWriter();
        _writer = _database.Open();
        _database.PrepareWriter(_writer);
        if (_checkpointer is not null)
        {
            WalCheckpointer.TakeOver(_writer);
        }

        _commands = new WriterCommands(_writer, _database);
        return _commands;
    }

    private void ResetWriter()
    {
        _commands?.Dispose();
        _commands = null;
        try
        {
            _writer?.Dispose();
        }
        catch (DbException)
        {
            // A connection the database already dropped may complain on the way out; it is gone either way.
        }

        _writer = null;
    }

    /// <summary>A write for the committer: a new ticket (no expected version) or a new version of one.</summary>
    public sealed record TicketWrite(TicketRecord Ticket, byte[] Payload, long? ExpectedVersion, IReadOnlyList<EventRow> Events)
    {
        /// <summary>A new ticket made in the same transaction as this write (so: both or neither).</summary>
        public TicketWrite? AlsoCreate { get; init; }
    }

    /// <summary>Prepared statements of the writer connection, reused by every batch.</summary>
    private sealed class WriterCommands : IDisposable
    {
        private readonly DbCommand[] _all;
        private readonly DbCommand _claimKey;
        private readonly DbCommand _findKey;
        private readonly DbCommand _insert;
        private readonly DbCommand _update;

        public WriterCommands(DbConnection connection, Database database)
        {
            _claimKey = Make(connection, "INSERT INTO ticket_idempotency (channel, idempotency_key, ticket_id) VALUES (@channel, @key, @id) ON CONFLICT DO NOTHING;");
            _findKey = Make(connection, "SELECT ticket_id FROM ticket_idempotency WHERE channel = @channel AND idempotency_key = @key;");
            _insert = Make(connection, """
                INSERT INTO tickets (ticket_id, version, channel, idempotency_key, kind, state, court_id, case_number,
                                     assignee_type, assignee_id, created_at_ms, updated_at_ms, payload, caller_phone, delegated_from,
                                     due_at_ms, due_shard, plan_stamp, plan_first_year, plan_last_year)
                VALUES (@id, @version, @channel, @key, @kind, @state, @court, @case, @atype, @aid, @created, @updated, @payload, @phone, @delegated,
                        @due, @shard, @stamp, @first, @last);
                """);
            _update = Make(connection, """
                UPDATE tickets SET version = @version, kind = @kind, state = @state, court_id = @court, case_number = @case,
                                   assignee_type = @atype, assignee_id = @aid, updated_at_ms = @updated, payload = @payload,
                                   caller_phone = @phone, delegated_from = @delegated, due_at_ms = @due, due_shard = @shard,
                                   plan_stamp = @stamp, plan_first_year = @first, plan_last_year = @last
                WHERE ticket_id = @id AND version = @expected;
                """);
            _all = [_claimKey, _findKey, _insert, _update];
            Events = new EventInsert(connection, database);
        }

        public EventInsert Events { get; }

        public void Enlist(DbTransaction transaction)
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
            Bind(_claimKey, ("@channel", (int)t.Channel), ("@key", t.IdempotencyKey), ("@id", t.TicketId));
            if (_claimKey.ExecuteNonQuery() == 0)
            {
                Bind(_findKey, ("@channel", (int)t.Channel), ("@key", t.IdempotencyKey));
                return (string)_findKey.ExecuteScalar()!;
            }

            BindRow(_insert, write);
            _insert.Parameters["@channel"].Value = (int)t.Channel;
            _insert.Parameters["@key"].Value = t.IdempotencyKey;
            _insert.Parameters["@created"].Value = t.CreatedAt.ToUnixTimeMilliseconds();
            _insert.ExecuteNonQuery();
            return null;
        }

        public EngineException? Update(TicketWrite write)
        {
            BindRow(_update, write);
            _update.Parameters["@expected"].Value = write.ExpectedVersion!.Value;
            return _update.ExecuteNonQuery() == 1
                ? null
                : EngineException.Conflict($"ticket {write.Ticket.TicketId} was changed by another call while this one ran (it expected version {write.ExpectedVersion}); nothing was written: send the call again");
        }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }

            Events.Dispose();
        }

        private static void BindRow(DbCommand command, TicketWrite write)
        {
            var t = write.Ticket;
            var p = command.Parameters;
            p["@id"].Value = t.TicketId;
            p["@version"].Value = t.Version;
            p["@kind"].Value = (int)t.Kind;
            p["@state"].Value = (int)t.State;
            p["@court"].Value = (object?)t.CourtId ?? DBNull.Value;
            p["@case"].Value = (object?)t.CaseNumber ?? DBNull.Value;
            p["@atype"].Value = (int)t.Assignee.Type;
            p["@aid"].Value = t.Assignee.Id;
            p["@updated"].Value = t.UpdatedAt.ToUnixTimeMilliseconds();
            p["@payload"].Value = write.Payload;
            p["@phone"].Value = string.IsNullOrEmpty(t.Caller.Phone) ? DBNull.Value : t.Caller.Phone;
            p["@delegated"].Value = (object?)t.DelegatedFrom ?? DBNull.Value;
            var due = t.Deadlines?.NextDueAt;
            p["@due"].Value = due is { } at ? DueColumns.Milliseconds(at) : DBNull.Value;
            p["@shard"].Value = due is null ? DBNull.Value : DeadlineShards.Of(t.TicketId);
            var plan = PlanColumns(t);
            p["@stamp"].Value = plan is { } s ? s.Stamp : DBNull.Value;
            p["@first"].Value = plan is { } f ? f.FirstYear : DBNull.Value;
            p["@last"].Value = plan is { } l ? l.LastYear : DBNull.Value;
        }

        /// <summary>What a calendar change must find the ticket by: the calendar version its open clock was counted
        /// with and the years it spans (UTC, with a day's margin for the court's zone). Clocks stored before they kept
        /// a plan are found only when they have no ladder (stamp -1: counted at the next sweep).</summary>
        private static (long Stamp, int FirstYear, int LastYear)? PlanColumns(TicketRecord t)
        {
            if (!TicketLifecycle.IsOpen(t.State) || t.Deadlines?.Clock is not { StoppedAt: null } clock)
            {
                return null;
            }

            if (clock.Plan is { } plan && clock.Pending.Length > 0)
            {
                var first = plan.Pauses.Select(p => p.From).Append(clock.StartedAt).Min().AddDays(-1).UtcDateTime.Year;
                var last = clock.Pending.Max(p => p.DueAt).AddDays(1).UtcDateTime.Year;
                return (clock.CalendarVersion, first, Math.Max(first, last));
            }

            return clock.Plan is null && clock.Problem is not null ? (-1, 0, 9999) : null;
        }

        private static void Bind(DbCommand command, params ReadOnlySpan<(string Name, object Value)> values)
        {
            foreach (var (name, value) in values)
            {
                command.Parameters[name].Value = value;
            }
        }

        private static DbCommand Make(DbConnection connection, string sql)
        {
            var command = connection.Command(sql);
            foreach (var name in ParameterNames(sql))
            {
                command.Add(name, null);
            }

            return command;
        }

        private static IEnumerable<string> ParameterNames(string sql) =>
            System.Text.RegularExpressions.Regex.Matches(sql, "@[a-z]+").Select(m => m.Value).Distinct(StringComparer.Ordinal);
    }
}
