using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Engine.Contracts;
using Engine.Domain;
using Engine.ProtoMapping;
using Engine.Storage.Access;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Storage.Knowledge;

/// <summary>
/// The knowledge base in the engine's database (docs/knowledge.md). Every change writes the entry's new version, moves
/// its current row, appends its "knowledge.*" event and writes its audit record in one transaction, under the
/// knowledge lock, and takes the next knowledge change number, which the silos poll to keep their indexes current.
/// Every call is synchronous.
/// </summary>
public sealed class KnowledgeStore(Database database, EventNotifier notifier)
{
    /// <summary>Orders knowledge changes across silos (PostgreSQL advisory lock; SQLite's write lock).</summary>
    private const long KnowledgeLock = 0x6b6e6f776c; // "knowl"

    private const string Columns = """
        v.entry_id, v.version, v.question, v.variants, v.answer, v.kinds, v.sub_kinds, v.tags, v.court_id, v.effective_from,
        v.effective_to, v.author, v.retired, v.changed_at_ms, v.changed_by, v.change
        """;

    private const string Current = $"SELECT {Columns} FROM knowledge_entries e JOIN knowledge_versions v ON v.entry_id = e.entry_id AND v.version = e.version";

    /// <summary>The highest change (0 when the knowledge base is empty).</summary>
    public long LatestChange()
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT COALESCE(MAX(change), 0) FROM knowledge_entries;");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The current version of every entry changed after <paramref name="change"/> (retired ones included), in
    /// change order.</summary>
    public IReadOnlyList<KnowledgeEntry> ChangedSince(long change)
    {
        using var connection = database.Open();
        using var command = connection.Command($"{Current} WHERE e.change > @c ORDER BY e.change;");
        command.Add("@c", change);
        return Read(command);
    }

    public KnowledgeHistory? Get(string entryId)
    {
        using var connection = database.Open();
        using var command = connection.Command($"SELECT {Columns} FROM knowledge_versions v WHERE v.entry_id = @id ORDER BY v.version;");
        command.Add("@id", entryId);
        var versions = Read(command);
        return versions.Length == 0 ? null : new KnowledgeHistory(versions[^1], versions);
    }

    /// <summary>Whether <paramref name="entryId"/> ever had <paramref name="version"/>.</summary>
    public bool VersionExists(string entryId, int version)
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT COUNT(*) FROM knowledge_versions WHERE entry_id = @id AND version = @v;");
        command.Add("@id", entryId);
        command.Add("@v", version);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>A page of current entries in id order after <paramref name="after"/>. Kinds and tags are filtered here
    /// (they are JSON lists in the row); a knowledge base holds thousands of entries, not millions.</summary>
    public KnowledgePage List(KnowledgeFilter filter, string? after, int pageSize)
    {
        using var connection = database.Open();
        using var command = connection.Command($"""
            {Current}
            WHERE e.entry_id > @after AND (@court IS NULL OR e.court_id = @court)
              AND (@retired = 0 OR e.retired = 1) AND (@include = 1 OR @retired = 1 OR e.retired = 0)
            ORDER BY e.entry_id;
            """);
        command.Add("@after", after ?? string.Empty);
        command.Add("@court", filter.CourtId);
        command.Add("@retired", filter.RetiredOnly ? 1 : 0);
        command.Add("@include", filter.IncludeRetired ? 1 : 0);
        var page = new List<KnowledgeEntry>(pageSize + 1);
        foreach (var entry in Read(command))
        {
            if ((filter.Kind is not { } kind || entry.Content.Kinds.IsEmpty || entry.Content.Kinds.Contains(kind))
                && (filter.Tag is not { } tag || entry.Content.Tags.Contains(tag, StringComparer.Ordinal)))
            {
                page.Add(entry);
                if (page.Count > pageSize)
                {
                    break;
                }
            }
        }

        var more = page.Count > pageSize;
        return new KnowledgePage([.. page.Take(pageSize)], more ? page[pageSize - 1].EntryId : null);
    }

    public KnowledgeEntry Create(string entryId, KnowledgeContent content, string actor, DateTimeOffset now) =>
        Write(actor, now, "CreateEntry", (connection, transaction, change) =>
        {
            if (Find(connection, transaction, entryId) is { } existing)
            {
                throw new EngineException(EngineErrorKind.AlreadyExists, $"knowledge entry {entryId} exists already (version {existing.Version}{(existing.Retired ? ", retired" : string.Empty)})", "entry_id");
            }

            return [(Entry(entryId, 1, content, false, now, actor, change), null)];
        }).Single();

    /// <summary>Writes a new version; unchanged content writes nothing. A stale <paramref name="expectedVersion"/> is
    /// <see cref="EngineErrorKind.FailedPrecondition"/>, naming the current version.</summary>
    public KnowledgeEntry Update(string entryId, int expectedVersion, KnowledgeContent content, string actor, DateTimeOffset now)
    {
        KnowledgeEntry? unchanged = null;
        var written = Write(actor, now, "UpdateEntry", (connection, transaction, change) =>
        {
            var current = Expect(connection, transaction, entryId, expectedVersion);
            if (current.Content.SameAs(content))
            {
                unchanged = current;
                return [];
            }

            return [(Entry(entryId, current.Version + 1, content, false, now, actor, change), null)];
        });
        return unchanged ?? written.Single();
    }

    public KnowledgeEntry Retire(string entryId, int expectedVersion, string? reason, string actor, DateTimeOffset now) =>
        Write(actor, now, "RetireEntry", (connection, transaction, change) =>
        {
            var current = Expect(connection, transaction, entryId, expectedVersion);
            return [(Entry(entryId, current.Version + 1, current.Content, true, now, actor, change), reason ?? string.Empty)];
        }).Single();

    /// <summary>Brings every entry of the file to its content in one transaction: new ones are created, changed ones get
    /// a new version, unchanged ones write nothing, retired ones are left retired.</summary>
    public KnowledgeImportSummary Import(IReadOnlyList<KnowledgeImportEntry> entries, string actor, DateTimeOffset now)
    {
        int created = 0, updated = 0, unchanged = 0;
        var skipped = ImmutableArray.CreateBuilder<string>();
        Write(actor, now, "ImportEntries", (connection, transaction, change) =>
        {
            var writes = new List<(KnowledgeEntry, string?)>();
            foreach (var import in entries)
            {
                var current = Find(connection, transaction, import.EntryId);
                if (current is { Retired: true })
                {
                    skipped.Add(import.EntryId);
                }
                else if (current is not null && current.Content.SameAs(import.Content))
                {
                    unchanged++;
                }
                else
                {
                    _ = current is null ? created++ : updated++;
                    writes.Add((Entry(import.EntryId, (current?.Version ?? 0) + 1, import.Content, false, now, actor, change), null));
                }
            }

            return writes;
        });
        return new KnowledgeImportSummary(created, updated, unchanged, skipped.ToImmutable());
    }

    /// <summary>Records a self-service search or a suggestion for the figures.</summary>
    public void RecordSearch(KnowledgeSearchRecord search) =>
        database.Execute("""
            INSERT INTO knowledge_searches (search_id, at_ms, source, court_id, kind, channel, text, best_entry_id, best_score, good, ticket_id)
            VALUES (@id, @at, @source, @court, @kind, @channel, @text, @best, @score, @good, @ticket);
            """,
            ("@id", search.SearchId), ("@at", search.At.ToUnixTimeMilliseconds()), ("@source", (int)search.Source), ("@court", search.CourtId),
            ("@kind", (int)search.Kind), ("@channel", (int)search.Channel), ("@text", search.Text), ("@best", search.BestEntryId),
            ("@score", search.BestScore), ("@good", search.Good ? 1 : 0), ("@ticket", search.TicketId));

    /// <summary>Notes that the person of a self-service search opened <paramref name="ticketId"/> anyway (the first
    /// ticket only); false for an unknown search id.</summary>
    public bool AttachTicket(string searchId, string ticketId)
    {
        database.Execute("UPDATE knowledge_searches SET ticket_id = @t WHERE search_id = @id AND ticket_id IS NULL;", ("@t", ticketId), ("@id", searchId));
        using var connection = database.Open();
        using var command = connection.Command("SELECT COUNT(*) FROM knowledge_searches WHERE search_id = @id;");
        command.Add("@id", searchId);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The searches recorded from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public IReadOnlyList<KnowledgeSearchRecord> Searches(DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = database.Open();
        using var command = connection.Command("""
            SELECT search_id, at_ms, source, court_id, kind, channel, text, best_entry_id, best_score, good, ticket_id
            FROM knowledge_searches WHERE at_ms >= @from AND at_ms < @to ORDER BY at_ms;
            """);
        command.Add("@from", from.ToUnixTimeMilliseconds());
        command.Add("@to", to.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        var searches = new List<KnowledgeSearchRecord>();
        while (reader.Read())
        {
            searches.Add(new KnowledgeSearchRecord(
                reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, 1)), (KnowledgeQuerySource)Long(reader, 2),
                reader.IsDBNull(3) ? null : reader.GetString(3), (TicketKind)Long(reader, 4), (Channel)Long(reader, 5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), Convert.ToDouble(reader.GetValue(8), CultureInfo.InvariantCulture),
                Long(reader, 9) != 0, reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return searches;
    }

    /// <summary>One knowledge write: <paramref name="plan"/> reads what it needs in the transaction and answers the
    /// versions to write (with a retirement's reason); each is stored with its event and audit record.</summary>
    private ImmutableArray<KnowledgeEntry> Write(
        string actor, DateTimeOffset now, string method, Func<DbConnection, DbTransaction, long, IReadOnlyList<(KnowledgeEntry Entry, string? Reason)>> plan)
    {
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, KnowledgeLock);
        long change;
        using (var next = connection.Command("SELECT COALESCE(MAX(change), 0) + 1 FROM knowledge_entries;", transaction))
        {
            change = Convert.ToInt64(next.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var writes = plan(connection, transaction, change);
        if (writes.Count == 0)
        {
            return [];
        }

        var events = new List<EventRow>(writes.Count);
        foreach (var (entry, reason) in writes)
        {
            Insert(connection, transaction, entry);
            var encoded = reason is not null ? EventPayloads.KnowledgeEntryRetired(entry, reason)
                : entry.Version == 1 ? EventPayloads.KnowledgeEntryCreated(entry)
                : EventPayloads.KnowledgeEntryUpdated(entry);
            events.Add(encoded.Row($"knowledge/{entry.EntryId}", entry.Version, 0, entry.ChangedAt, actor, entry.Content.CourtId));
            AccessStore.Audit(connection, transaction, now, actor, "engine.v1.KnowledgeService/" + method, $"knowledge entry {entry.EntryId}", Describe(entry, reason), "OK");
        }

        var head = EventInsert.AppendIn(connection, transaction, database, events);
        transaction.Commit();
        if (head > 0)
        {
            notifier.Advance(head);
        }

        return [.. writes.Select(w => w.Entry)];
    }

    private static KnowledgeEntry Expect(DbConnection connection, DbTransaction transaction, string entryId, int expectedVersion)
    {
        var current = Find(connection, transaction, entryId) ?? throw new EngineException(EngineErrorKind.NotFound, $"knowledge entry {entryId} does not exist", "entry_id");
        if (current.Version != expectedVersion)
        {
            // FAILED_PRECONDITION, not ABORTED: the engine's ABORTED means "the same call again is safe", and this
            // one must be written again over the current version.
            throw new EngineException(
                EngineErrorKind.FailedPrecondition,
                $"knowledge entry {entryId} is at version {current.Version}, not {expectedVersion}: read it again and write over version {current.Version}",
                "expected_version");
        }

        if (current.Retired)
        {
            throw new EngineException(EngineErrorKind.FailedPrecondition, $"knowledge entry {entryId} is retired (version {current.Version})", "entry_id");
        }

        return current;
    }

    private static KnowledgeEntry? Find(DbConnection connection, DbTransaction transaction, string entryId)
    {
        using var command = connection.Command($"{Current} WHERE e.entry_id = @id;", transaction);
        command.Add("@id", entryId);
        return Read(command).SingleOrDefault();
    }

    private static void Insert(DbConnection connection, DbTransaction transaction, KnowledgeEntry entry)
    {
        var c = entry.Content;
        using (var version = connection.Command("""
            INSERT INTO knowledge_versions (entry_id, version, question, variants, answer, kinds, sub_kinds, tags, court_id,
                effective_from, effective_to, author, retired, changed_at_ms, changed_by, change)
            VALUES (@id, @v, @q, @variants, @a, @kinds, @subs, @tags, @court, @from, @to, @author, @retired, @at, @by, @change);
            """, transaction))
        {
            version.Add("@id", entry.EntryId);
            version.Add("@v", entry.Version);
            version.Add("@q", c.Question);
            version.Add("@variants", JsonSerializer.Serialize(c.Variants));
            version.Add("@a", c.Answer);
            version.Add("@kinds", JsonSerializer.Serialize(c.Kinds.Select(k => EnumNames.ShortName("TicketKind", (int)k))));
            version.Add("@subs", JsonSerializer.Serialize(c.SubKinds.Select(k => EnumNames.ShortName("TicketSubKind", (int)k))));
            version.Add("@tags", JsonSerializer.Serialize(c.Tags));
            version.Add("@court", c.CourtId);
            version.Add("@from", c.EffectiveFrom is { } from ? KnowledgeMapping.Day(from) : null);
            version.Add("@to", c.EffectiveTo is { } to ? KnowledgeMapping.Day(to) : null);
            version.Add("@author", c.Author);
            version.Add("@retired", entry.Retired ? 1 : 0);
            version.Add("@at", entry.ChangedAt.ToUnixTimeMilliseconds());
            version.Add("@by", entry.ChangedBy);
            version.Add("@change", entry.Change);
            version.ExecuteNonQuery();
        }

        using var current = connection.Command("""
            INSERT INTO knowledge_entries (entry_id, version, change, court_id, retired) VALUES (@id, @v, @change, @court, @retired)
            ON CONFLICT (entry_id) DO UPDATE SET version = excluded.version, change = excluded.change, court_id = excluded.court_id, retired = excluded.retired;
            """, transaction);
        current.Add("@id", entry.EntryId);
        current.Add("@v", entry.Version);
        current.Add("@change", entry.Change);
        current.Add("@court", c.CourtId);
        current.Add("@retired", entry.Retired ? 1 : 0);
        current.ExecuteNonQuery();
    }

    private static KnowledgeEntry Entry(string id, int version, KnowledgeContent content, bool retired, DateTimeOffset now, string actor, long change) =>
        new(id, version, content, retired, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), actor, change);

    private static ImmutableArray<KnowledgeEntry> Read(DbCommand command)
    {
        var entries = ImmutableArray.CreateBuilder<KnowledgeEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var content = new KnowledgeContent(
                reader.GetString(2),
                List(reader.GetString(3)),
                reader.GetString(4),
                [.. List(reader.GetString(5)).Select(k => EnumNames.TryParse("TicketKind", k, out var n) ? (TicketKind)n : TicketKind.Unspecified)],
                [.. List(reader.GetString(6)).Select(k => EnumNames.TryParse("TicketSubKind", k, out var n) ? (TicketSubKind)n : TicketSubKind.Unspecified)],
                List(reader.GetString(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : DateOnly.ParseExact(reader.GetString(9), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.IsDBNull(10) ? null : DateOnly.ParseExact(reader.GetString(10), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.GetString(11));
            entries.Add(new KnowledgeEntry(
                reader.GetString(0), (int)Long(reader, 1), content, Long(reader, 12) != 0,
                DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, 13)), reader.GetString(14), Long(reader, 15)));
        }

        return entries.ToImmutable();
    }

    private static ImmutableArray<string> List(string json) => JsonSerializer.Deserialize<ImmutableArray<string>>(json);

    private static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>The entry as the audit log shows it: id, version, court, question, and a retirement's reason.</summary>
    private static string Describe(KnowledgeEntry entry, string? reason) => JsonSerializer.Serialize(new
    {
        entry_id = entry.EntryId,
        version = entry.Version,
        court_id = entry.Content.CourtId,
        question = entry.Content.Question,
        retired = entry.Retired,
        reason,
    }, AuditJson);

    private static readonly JsonSerializerOptions AuditJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>A search recorded for the figures (self-service searches and suggestions).</summary>
public sealed record KnowledgeSearchRecord(
    string SearchId, DateTimeOffset At, KnowledgeQuerySource Source, string? CourtId, TicketKind Kind, Channel Channel, string Text,
    string? BestEntryId, double BestScore, bool Good, string? TicketId);
