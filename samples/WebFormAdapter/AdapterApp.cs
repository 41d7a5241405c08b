using Engine.Client;
using Engine.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace WebFormAdapter;

/// <summary>The adapter's settings (section <c>Adapter</c>).</summary>
public sealed class AdapterOptions
{
    /// <summary>The channel the tickets come in on (the API key must be scoped to it).</summary>
    public Channel Channel { get; set; } = Channel.Web;

    /// <summary>Put before the form id to make the idempotency key: keys are unique per channel, so two adapters
    /// of one channel need two prefixes.</summary>
    public string KeyPrefix { get; set; } = "webform";
}

/// <summary>
/// The web application: <c>POST /forms</c> takes a form (JSON, <see cref="WebForm"/>), submits it as a ticket and
/// answers <c>201</c> with the ticket id (<c>200</c> with the same id for a re-delivered form), <c>400</c> naming each
/// bad field, <c>409</c> for a form id already used by another form, <c>503</c> with <c>Retry-After</c> when the
/// engine could not be reached (the provider delivers again; the key makes it safe).
/// </summary>
public static partial class AdapterApp
{
    /// <summary>Builds the application from the command line and appsettings.json (sections <c>Engine</c>:
    /// <see cref="EngineClientOptions"/>, <c>Adapter</c>: <see cref="AdapterOptions"/>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var engine = new EngineClientOptions { ApiKey = EngineClientOptions.ApiKeyFromEnvironment() };
        builder.Configuration.GetSection("Engine").Bind(engine);
        var adapter = new AdapterOptions();
        builder.Configuration.GetSection("Adapter").Bind(adapter);
        if (string.IsNullOrWhiteSpace(adapter.KeyPrefix) || adapter.Channel == Channel.Unspecified)
        {
            throw new InvalidOperationException("Adapter:KeyPrefix must not be empty and Adapter:Channel must name a channel (e.g. Web, WeChat)");
        }

        builder.Services.AddSingleton(adapter);
        builder.Services.AddSingleton(services => new EngineClient(engine, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.MapPost("/forms", SubmitAsync);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest http, EngineClient engine, AdapterOptions adapter, ILogger<WebForm> logger, CancellationToken cancellationToken)
    {
        WebForm? form;
        try
        {
            form = await http.ReadFromJsonAsync<WebForm>(cancellationToken);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"is not JSON of a form: {ex.Message}"] });
        }
        catch (InvalidOperationException)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["must be sent as application/json"] }, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var (request, problems) = WebFormMapping.ToSubmission(form, adapter.Channel, adapter.KeyPrefix);
        if (request is null)
        {
            return Results.ValidationProblem(problems);
        }

        try
        {
            var answer = await engine.SubmitTicketAsync(request, cancellationToken);
            var accepted = new FormAccepted(answer.Ticket.TicketId, answer.Deduplicated, ProtoName(answer.Ticket.State));
            Log.Accepted(logger, form!.FormId!, accepted.TicketId, accepted.Duplicate);
            return answer.Deduplicated ? Results.Ok(accepted) : Results.Created($"/forms/{Uri.EscapeDataString(form.FormId!)}", accepted);
        }
        catch (EngineCallException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            return Results.ValidationProblem(ex.FieldViolations.Count == 0
                ? new Dictionary<string, string[]> { ["body"] = [ex.Status.Detail] }
                : ex.FieldViolations.GroupBy(v => WebFormMapping.FormField(v.Field)).ToDictionary(g => g.Key, g => g.Select(v => v.Description).ToArray()));
        }
        catch (EngineCallException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "form_id was already used by another form",
                detail: $"form {form!.FormId} was received before with other content; a new form needs a new form_id");
        }
        catch (EngineCallException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted)
        {
            Log.EngineAway(logger, form!.FormId!, ex.StatusCode, ex.Attempts);
            http.HttpContext.Response.Headers.RetryAfter = "5";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "the court's engine cannot take the form now; deliver it again later");
        }
        catch (EngineCallException ex)
        {
            // The adapter's key is wrong or lacks the channel: the operator's to fix, not the citizen's.
            Log.EngineRefused(logger, form!.FormId!, ex.StatusCode, ex.Status.Detail);
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "the adapter could not submit the form");
        }
    }

    /// <summary>An enum value as the proto names it (TICKET_STATE_RECEIVED), as gRPC's JSON shows it.</summary>
    private static string ProtoName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "form {FormId}: ticket {TicketId} (re-delivery: {Duplicate})")]
        public static partial void Accepted(ILogger logger, string formId, string ticketId, bool duplicate);

        [LoggerMessage(2, LogLevel.Warning, "form {FormId}: the engine could not be reached ({Code} after {Attempts} attempts); answered 503")]
        public static partial void EngineAway(ILogger logger, string formId, StatusCode code, int attempts);

        [LoggerMessage(3, LogLevel.Error, "form {FormId}: the engine refused the adapter ({Code}: {Detail}); check Engine:ApiKey and its channel scope")]
        public static partial void EngineRefused(ILogger logger, string formId, StatusCode code, string detail);
    }
}
