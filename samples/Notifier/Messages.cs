using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Notifier;

/// <summary>
/// Turns an event into its text messages. The payload is read as JSON through the descriptors of every engine.v1 file
/// the client knows, so a template names any payload field (camelCase, dotted: <c>case.caseNumber</c>,
/// <c>node.detail</c>) and an event type this build has no class for (<c>caller.code_issued</c>, from a newer engine
/// contract) is handled by its type name as soon as the client's contract has its payload.
/// </summary>
public sealed partial class Messages(IReadOnlyDictionary<string, string> templates)
{
    public const string NodeRecorded = "case.node_recorded";
    public const string RelatedNotice = "case.related_notice";
    public const string TicketReplied = "ticket.replied";
    public const string CodeIssued = "caller.code_issued";
    public const string HearingReminder = "case.hearing_reminder";

    public static IReadOnlySet<string> Types { get; } = new HashSet<string>(StringComparer.Ordinal) { NodeRecorded, RelatedNotice, TicketReplied, CodeIssued, HearingReminder };

    private static readonly TypeRegistry Registry = TypeRegistry.FromFiles([.. typeof(Event).Assembly.GetTypes()
        .Where(t => t.Namespace == "Engine.V1" && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
        .OfType<FileDescriptor>()]);

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithTypeRegistry(Registry).WithFormatDefaultValues(false));

    /// <summary>Loads a templates file: a JSON object of template key → text.</summary>
    public static Messages Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new Messages(document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal));
    }

    /// <summary>The messages of <paramref name="e"/> (none for another type, a node that is not public, or a payload
    /// this build cannot read). <paramref name="callerPhone"/> finds a reply's caller when the event does not carry
    /// the phone.</summary>
    public async Task<IReadOnlyList<OutgoingMessage>> MakeAsync(Event e, Func<string, Task<string?>> callerPhone)
    {
        if (!Types.Contains(e.EventType) || Registry.Find(Any.GetTypeName(e.Payload.TypeUrl)) is not { } descriptor)
        {
            return [];
        }

        var fields = Flatten(Json.Format(descriptor.Parser.ParseFrom(e.Payload.Value)));
        var messages = new List<OutgoingMessage>();
        switch (e.EventType)
        {
            case NodeRecorded when fields.GetValueOrDefault("node.public") == "true":
                var key = templates.ContainsKey(fields.GetValueOrDefault("templateKey") ?? string.Empty) ? fields["templateKey"] : "node.default";
                for (var i = 0; fields.ContainsKey($"case.parties.{i}.name"); i++)
                {
                    Add(fields, $"case.parties.{i}", key);
                }

                break;
            case RelatedNotice:
                Add(fields, "party", fields.GetValueOrDefault("cause") == "RELATED_NOTICE_CAUSE_MOVED" ? "related.moved" : "related.node");
                break;
            case TicketReplied:
                var phone = Phone(fields) ?? await callerPhone(fields.GetValueOrDefault("header.ticketId") ?? string.Empty);
                Add(fields, null, TicketReplied, phone);
                break;
            case CodeIssued:
                Add(fields, null, CodeIssued, Phone(fields));
                break;
            case HearingReminder:
                // A hearing with no place given has its own text rather than a sentence with a hole in it.
                Add(fields, "party", fields.ContainsKey("place") ? HearingReminder : HearingReminder + ".no_place");
                break;
        }

        return messages;

        void Add(Dictionary<string, string> values, string? party, string template, string? phone = null)
        {
            var recipient = phone ?? (party is null ? null : values.GetValueOrDefault(party + ".phone"));
            if (string.IsNullOrEmpty(recipient) || !templates.TryGetValue(template, out var text))
            {
                return;
            }

            var body = Placeholder().Replace(text, m =>
            {
                var name = m.Groups[1].Value;
                var path = party is not null && name.StartsWith("party.", StringComparison.Ordinal) ? party + name[5..] : name;
                return values.GetValueOrDefault(path) ?? string.Empty;
            });
            messages.Add(new OutgoingMessage(e.Sequence, messages.Count, e.EventType, recipient, template, body));
        }
    }

    private static string? Phone(Dictionary<string, string> fields) =>
        fields.Where(f => f.Key == "phone" || f.Key.EndsWith(".phone", StringComparison.Ordinal)).Select(f => f.Value).FirstOrDefault(p => p.Length > 0);

    /// <summary>Every leaf of the JSON, keyed by its dotted path (array items by index).</summary>
    private static Dictionary<string, string> Flatten(string json)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement, string.Empty);
        return fields;

        void Walk(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in element.EnumerateObject())
                    {
                        Walk(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}");
                    }

                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, $"{path}.{i++}");
                    }

                    break;
                case JsonValueKind.String:
                    fields[path] = element.GetString()!;
                    break;
                default:
                    fields[path] = element.GetRawText();
                    break;
            }
        }
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_.]+)\}")]
    private static partial Regex Placeholder();
}
