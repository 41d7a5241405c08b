namespace Engine.Contracts.Grains;

/// <summary>The working calendars, kept in the engine's database (the same on every silo). Stateless: every silo
/// answers from the database.</summary>
public interface ICalendarGrain : IGrainWithIntegerKey
{
    /// <summary>Stores a year's calendar (validated by the caller) and publishes it; open clocks with steps in that year
    /// are then counted again on every silo.</summary>
    Task<CalendarPut> PutAsync(Domain.Calendar.CalendarDocument calendar, string actor);

    Task<StoredCalendar?> GetAsync(int year);

    Task<CalendarList> ListAsync();
}
