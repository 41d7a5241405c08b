using Engine.Api.Security;
using Engine.Contracts.Grains;
using Engine.Domain.Calendar;
using Engine.ProtoMapping;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>The working calendars: put (admin, audited), get and list (anyone). A put reaches every silo within its
/// refresh interval, and every open clock with steps in the year is counted again.</summary>
[BindServiceMethod(typeof(StrictParsing<V1.CalendarService.CalendarServiceBase>), nameof(StrictParsing<V1.CalendarService.CalendarServiceBase>.BindService))]
public sealed class CalendarApi(IClusterClient grains) : V1.CalendarService.CalendarServiceBase
{
    public const int MaxJsonBytes = 256 * 1024;
    public const int MaxEntries = 400;

    private ICalendarGrain Calendars => grains.GetGrain<ICalendarGrain>(0);

    public override async Task<V1.PutCalendarResponse> PutCalendar(V1.PutCalendarRequest request, ServerCallContext context)
    {
        var put = await Calendars.PutAsync(Validate(request), Principal.Of(context).Actor);
        return new V1.PutCalendarResponse { Stored = CalendarMapping.ToProto(put.Stored), Changed = put.Changed };
    }

    public override async Task<V1.GetCalendarResponse> GetCalendar(V1.GetCalendarRequest request, ServerCallContext context)
    {
        if (request.Year is < CalendarDocument.FirstYear or > CalendarDocument.LastYear)
        {
            Errors.ThrowInvalid("year", $"must be between {CalendarDocument.FirstYear} and {CalendarDocument.LastYear}");
        }

        var stored = await Calendars.GetAsync(request.Year)
            ?? throw Errors.NotFound($"no working calendar is stored for {request.Year}: it is counted provisionally");
        return new V1.GetCalendarResponse { Stored = CalendarMapping.ToProto(stored) };
    }

    public override async Task<V1.ListCalendarsResponse> ListCalendars(V1.ListCalendarsRequest request, ServerCallContext context)
    {
        var list = await Calendars.ListAsync();
        var response = new V1.ListCalendarsResponse { Version = list.Version };
        response.Calendars.AddRange(list.Calendars.Select(CalendarMapping.ToProto));
        response.ProvisionalYears.AddRange(list.ProvisionalYears);
        return response;
    }

    /// <summary>The calendar of the request, or INVALID_ARGUMENT naming every bad field (the dates by their place).</summary>
    public static CalendarDocument Validate(V1.PutCalendarRequest request)
    {
        var fromJson = request.Calendar is null && request.Json.Length > 0;
        if (request.Calendar is not null && request.Json.Length > 0)
        {
            Errors.ThrowInvalid("json", "give either calendar or json, not both");
        }

        if (request.Calendar is null && request.Json.Length == 0)
        {
            Errors.ThrowInvalid("calendar", "is required (or json: the whole calendar file)");
        }

        if (request.Json.Length > MaxJsonBytes)
        {
            Errors.ThrowInvalid("json", $"is larger than {MaxJsonBytes / 1024} KiB");
        }

        var prefix = fromJson ? "json." : "calendar.";
        if (!fromJson && request.Calendar!.Holidays.Count + request.Calendar.Workdays.Count > MaxEntries)
        {
            Errors.ThrowInvalid("calendar", $"has more than {MaxEntries} holiday periods and make-up working days");
        }

        CalendarDocument document;
        try
        {
            document = fromJson ? CalendarDocument.Parse(request.Json) : CalendarMapping.FromProto(request.Calendar!, string.Empty);
        }
        catch (FormatException ex)
        {
            // The messages start with the field: "holidays[0].from: '2027-1-1' is not a date written yyyy-MM-dd".
            var colon = ex.Message.IndexOf(':', StringComparison.Ordinal);
            var field = ex.Message[..colon];
            throw Errors.Invalid([(field == "json" ? field : prefix + field, ex.Message[(colon + 1)..].Trim())]);
        }

        if (document.Holidays.Length + document.Workdays.Length > MaxEntries)
        {
            Errors.ThrowInvalid(prefix.TrimEnd('.'), $"has more than {MaxEntries} holiday periods and make-up working days");
        }

        var problems = document.Problems();
        if (problems.Count > 0)
        {
            throw Errors.Invalid([.. problems.Select(p => (prefix + p.Field, p.Problem))]);
        }

        return document;
    }
}
