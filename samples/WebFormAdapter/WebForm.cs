using System.Text.Json.Serialization;
using Engine.V1;

namespace WebFormAdapter;

/// <summary>What the form provider posts (a web form, or a WeChat mini-program form: the same fields).</summary>
public sealed record WebForm
{
    /// <summary>The provider's id of this submission; the same on every re-delivery. The ticket's idempotency key.</summary>
    [JsonPropertyName("form_id")]
    public string? FormId { get; init; }

    /// <summary>The court addressed (the engine's court id, e.g. <c>sh-pudong</c>); may be left out with a case number.</summary>
    [JsonPropertyName("court")]
    public string? Court { get; init; }

    /// <summary>What the request is about: one of <see cref="WebFormMapping.Topics"/>.</summary>
    [JsonPropertyName("topic")]
    public string? Topic { get; init; }

    [JsonPropertyName("case_number")]
    public string? CaseNumber { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("phone")]
    public string? Phone { get; init; }

    /// <summary><c>party</c>, <c>agent</c>, <c>lawyer</c> or <c>public</c>; left out: not said.</summary>
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>Links to files the provider holds.</summary>
    [JsonPropertyName("attachments")]
    public IReadOnlyList<string>? Attachments { get; init; }
}

/// <summary>The adapter's answer to an accepted form.</summary>
/// <param name="TicketId">The engine's ticket id, to show the citizen.</param>
/// <param name="Duplicate">True when this form had been received before (a re-delivery): the same ticket.</param>
/// <param name="State">The ticket's state (e.g. <c>TICKET_STATE_DISPATCHED</c>).</param>
public sealed record FormAccepted(
    [property: JsonPropertyName("ticket_id")] string TicketId,
    [property: JsonPropertyName("duplicate")] bool Duplicate,
    [property: JsonPropertyName("state")] string State);

/// <summary>Form fields to a submission, and the engine's field names back to the form's.</summary>
public static class WebFormMapping
{
    /// <summary>The form's topics and the ticket kinds they become.</summary>
    public static readonly IReadOnlyDictionary<string, TicketKind> Topics = new Dictionary<string, TicketKind>(StringComparer.Ordinal)
    {
        ["contact_judge"] = TicketKind.ContactJudge,
        ["case_inquiry"] = TicketKind.CaseInquiry,
        ["consultation"] = TicketKind.Consultation,
        ["suggestion"] = TicketKind.Suggestion,
        ["online_filing"] = TicketKind.OnlineFiling,
        ["online_matter"] = TicketKind.OnlineMatter,
    };

    private static readonly Dictionary<string, CallerRole> Roles = new(StringComparer.Ordinal)
    {
        ["party"] = CallerRole.Party,
        ["agent"] = CallerRole.Agent,
        ["lawyer"] = CallerRole.Lawyer,
        ["public"] = CallerRole.Public,
    };

    /// <summary>The engine's request fields and the form fields they come from.</summary>
    private static readonly Dictionary<string, string> FormFields = new(StringComparer.Ordinal)
    {
        ["idempotency_key"] = "form_id",
        ["kind"] = "topic",
        ["court_id"] = "court",
        ["case_number"] = "case_number",
        ["caller.name"] = "name",
        ["caller.phone"] = "phone",
        ["caller.role"] = "role",
        ["content"] = "message",
        ["attachments"] = "attachments",
    };

    /// <summary>Longest form id taken (the key adds the prefix; the engine takes keys up to 128 characters).</summary>
    public const int MaxFormIdLength = 100;

    /// <summary>Checks what the engine cannot check for the adapter (the form's own fields) and maps the form to a
    /// submission whose idempotency key is made from the form id, so that a re-delivered form makes no second ticket.
    /// The rest (phone, case number, lengths) the engine checks, and its refusals are named by form field.</summary>
    /// <returns>The submission, or the problems by form field.</returns>
    public static (SubmitTicketRequest? Request, Dictionary<string, string[]> Problems) ToSubmission(WebForm? form, Channel channel, string keyPrefix)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (form is null)
        {
            problems["body"] = ["must be a JSON object with the form's fields"];
            return (null, problems);
        }

        if (string.IsNullOrWhiteSpace(form.FormId))
        {
            problems["form_id"] = ["is required: the form provider's id of this submission"];
        }
        else if (form.FormId.Length > MaxFormIdLength || !form.FormId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            problems["form_id"] = [$"must be at most {MaxFormIdLength} letters, digits, '-', '_', '.' or ':'"];
        }

        if (string.IsNullOrWhiteSpace(form.Topic) || !Topics.TryGetValue(form.Topic, out var kind))
        {
            problems["topic"] = ["must be one of " + string.Join(", ", Topics.Keys)];
            kind = TicketKind.Unspecified;
        }

        if (string.IsNullOrWhiteSpace(form.Court) && string.IsNullOrWhiteSpace(form.CaseNumber))
        {
            problems["court"] = ["is required when no case_number is given"];
        }

        var role = CallerRole.Unspecified;
        if (!string.IsNullOrEmpty(form.Role) && !Roles.TryGetValue(form.Role, out role))
        {
            problems["role"] = ["must be one of " + string.Join(", ", Roles.Keys)];
        }

        if (string.IsNullOrWhiteSpace(form.Message))
        {
            problems["message"] = ["is required"];
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var request = new SubmitTicketRequest
        {
            IdempotencyKey = $"{keyPrefix}:{form.FormId}",
            Channel = channel,
            Kind = kind,
            CourtId = form.Court?.Trim() ?? string.Empty,
            CaseNumber = form.CaseNumber?.Trim() ?? string.Empty,
            Caller = new Caller { Name = form.Name?.Trim() ?? string.Empty, Phone = form.Phone?.Trim() ?? string.Empty, Role = role },
            Content = form.Message!,
        };
        request.Attachments.AddRange(form.Attachments ?? []);
        return (request, problems);
    }

    /// <summary>The form field an engine field path comes from (<c>caller.phone</c> → <c>phone</c>,
    /// <c>attachments[2]</c> → <c>attachments[2]</c>); a field the form does not have keeps the engine's name.</summary>
    public static string FormField(string engineField)
    {
        var bracket = engineField.IndexOf('[', StringComparison.Ordinal);
        var (name, index) = bracket < 0 ? (engineField, string.Empty) : (engineField[..bracket], engineField[bracket..]);
        return FormFields.TryGetValue(name, out var form) ? form + index : engineField;
    }
}
