using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Engine.Contracts;
using Engine.Domain;
using Engine.Domain.Calendar;
using Engine.Storage.Databases;
using Engine.Storage.Events;

namespace Engine.Storage.Calendars;

/// <summary>
/// The working calendars in the engine's database, one row a year. A change writes the row and appends its
/// "calendar.year_set" event in one transaction, under one lock, and takes the next engine-wide change number.
/// </summary>
public sealed class CalendarStore(Database database, EventNotifier notifier) : ICalendarStore
{
    /// <summary>Orders calendar changes across silos (PostgreSQL advisory lock; SQLite's write lock).</summary>
    private const long CalendarLock = 0x63616c656e64; // "calend"

    public IReadOnlyList<StoredCalendar> ReadAll()
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT year, document, source, version, change, updated_at_ms, updated_by FROM calendars ORDER BY year;");
        return Read(command);
    }

    /// <summary>The highest change of any stored calendar (0 when none): one indexed read, for the silos' polls.</summary>
    public long Version()
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT COALESCE(MAX(change), 0) FROM calendars;");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Stores <paramref name="document"/> for its year unless it is stored already exactly so. A seed (a
    /// built-in year or a configured file) never replaces a calendar put through the API.</summary>
    public CalendarPut Put(CalendarDocument document, string source, string actor, DateTimeOffset now)
    {
        var json = document.ToJson();
        using var connection = database.Open();
        using var transaction = database.BeginExclusive(connection, CalendarLock);
        StoredCalendar? existing;
        using (var find = connection.Command("SELECT year, document, source, version, change, updated_at_ms, updated_by FROM calendars WHERE year = @y;", transaction))
        {
            find.Add("@y", document.Year);
            existing = Read(find).SingleOrDefault();
        }

        if (existing is not null && (existing.Document.ToJson() == json || (source != StoredCalendar.Api && existing.Source == StoredCalendar.Api)))
        {
            return new CalendarPut(existing, Changed: false);
        }

        long change;
        using (var next = connection.Command("SELECT COALESCE(MAX(change), 0) + 1 FROM calendars;", transaction))
        {
            change = Convert.ToInt64(next.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var stored = new StoredCalendar(document, source, (existing?.Version ?? 0) + 1, change, at, actor);
        using (var upsert = connection.Command("""
            INSERT INTO calendars (year, document, version, change, source, updated_at_ms, updated_by)
            VALUES (@y, @d, @v, @c, @s, @at, @by)
            ON CONFLICT (year) DO UPDATE SET document = excluded.document, version = excluded.version, change = excluded.change,
                source = excluded.source, updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by;
            """, transaction))
        {
            upsert.Add("@y", document.Year);
            upsert.Add("@d", json);
            upsert.Add("@v", stored.Version);
            upsert.Add("@c", change);
            upsert.Add("@s", source);
            upsert.Add("@at", at.ToUnixTimeMilliseconds());
            upsert.Add("@by", actor);
            upsert.ExecuteNonQuery();
        }

        var row = EventPayloads.CalendarYearSet(stored).Row($"calendar/{document.Year}", stored.Version, 0, at, actor, null);
        var head = EventInsert.AppendIn(connection, transaction, database, [row]);
        transaction.Commit();
        if (head > 0)
        {
            notifier.Advance(head);
        }

        return new CalendarPut(stored, Changed: true);
    }

    /// <summary>Every change up to this one has been counted into the open clocks (-1: none yet).</summary>
    public long SweptChange()
    {
        using var connection = database.Open();
        using var command = connection.Command("SELECT swept_change FROM calendar_sweep WHERE id = 1;");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void SetSwept(long change) =>
        database.Execute("UPDATE calendar_sweep SET swept_change = @c WHERE id = 1 AND swept_change < @c;", ("@c", change));

    private static ImmutableArray<StoredCalendar> Read(DbCommand command)
    {
        var calendars = ImmutableArray.CreateBuilder<StoredCalendar>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            calendars.Add(new StoredCalendar(
                CalendarDocument.Parse(reader.GetString(1)),
                reader.GetString(2),
                Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture)),
                reader.GetString(6)));
        }

        return calendars.ToImmutable();
    }
}
