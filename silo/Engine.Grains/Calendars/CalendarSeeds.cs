using Engine.Contracts;
using Engine.Domain.Calendar;

namespace Engine.Grains.Calendars;

/// <summary>The calendars the engine starts from: the published years built in (samples/calendar-cn-*.json,
/// embedded) and the files of Engine:Deadlines:CalendarFiles (a file's year replaces a built-in one).</summary>
public static class CalendarSeeds
{
    /// <summary>Throws <see cref="FormatException"/> naming the file and the field that is wrong.</summary>
    public static IReadOnlyList<(CalendarDocument Document, string Source)> Load(IEnumerable<string> files)
    {
        var years = new SortedDictionary<int, (CalendarDocument, string)>();
        var assembly = typeof(CalendarSeeds).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("calendars/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var document = Checked(reader.ReadToEnd(), name);
            years[document.Year] = (document, StoredCalendar.BuiltIn);
        }

        foreach (var file in files)
        {
            string json;
            try
            {
                json = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FormatException($"Engine:Deadlines:CalendarFiles: {file} could not be read ({ex.Message})", ex);
            }

            var document = Checked(json, $"Engine:Deadlines:CalendarFiles: {file}");
            years[document.Year] = (document, StoredCalendar.File);
        }

        return [.. years.Values];
    }

    /// <summary>The built-in and configured years as the calendar counts them (no database: tools and tests).</summary>
    public static IReadOnlyList<CalendarYear> Years(IEnumerable<string> files) => [.. Load(files).Select(s => s.Document.ToYear())];

    private static CalendarDocument Checked(string json, string what)
    {
        try
        {
            var document = CalendarDocument.Parse(json);
            return document.Problems() is [var (field, problem), ..] ? throw new FormatException($"{field}: {problem}") : document;
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{what} is not a usable working calendar ({ex.Message})", ex);
        }
    }
}
