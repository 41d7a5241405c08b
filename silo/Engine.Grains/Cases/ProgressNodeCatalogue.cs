using System.Collections.Frozen;
using System.Text.Json;
using Engine.Domain;
using Engine.Domain.Hearings;

namespace Engine.Grains.Cases;

/// <summary>One type of progress node: its catalogue id, the name parties see, whether they may see it at all, the key
/// of the message template a sender uses, the procedure it belongs to (all, civil, criminal, administrative,
/// execution), and what a node of it does to the case's hearings and their reminders (decision 62).</summary>
public sealed record ProgressNodeType(string Id, string Name, bool Public, string Template, string Procedure, HearingEffect Hearing = HearingEffect.None);

/// <summary>The node types one court uses: the catalogue with that court's overrides.</summary>
public sealed class CourtNodeTypes
{
    private readonly FrozenDictionary<string, ProgressNodeType> _byId;

    internal CourtNodeTypes(IReadOnlyList<ProgressNodeType> types)
    {
        All = types;
        _byId = types.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
    }

    /// <summary>In catalogue order (a court's additions last).</summary>
    public IReadOnlyList<ProgressNodeType> All { get; }

    public ProgressNodeType? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>What a refusal names as allowed.</summary>
    public string AllowedText => string.Join(", ", All.Select(t => t.Id));
}

/// <summary>
/// The catalogue of progress node types, as data: the built-in one (samples/progress-nodes.json, embedded) and, over
/// it, the file of Engine:Cases:ProgressNodesFile, whose "nodes" change or add types for every court and whose
/// "courts" change or add them for one court (rename, hide with "public": false, add). An entry naming a known id
/// changes only the fields it gives; a new id must give its name and template. docs/design.md, "Progress nodes".
/// </summary>
public sealed class ProgressNodeCatalogue
{
    public const string ResourceName = "progress-nodes.json";

    private readonly IReadOnlyList<ProgressNodeType> _nodes;
    private readonly FrozenDictionary<string, CourtNodeTypes> _courts;

    private ProgressNodeCatalogue(IReadOnlyList<ProgressNodeType> nodes, IReadOnlyDictionary<string, IReadOnlyList<ProgressNodeType>> courts)
    {
        _nodes = nodes;
        Default = new CourtNodeTypes(nodes);
        _courts = courts.ToFrozenDictionary(c => c.Key, c => new CourtNodeTypes(c.Value), StringComparer.Ordinal);
    }

    /// <summary>The types of a court without overrides.</summary>
    public CourtNodeTypes Default { get; }

    /// <summary>The courts with overrides.</summary>
    public IReadOnlyCollection<string> CourtsWithOverrides => _courts.Keys;

    public static ProgressNodeCatalogue BuiltIn { get; } = ReadBuiltIn();

    /// <summary>The types of <paramref name="courtId"/>.</summary>
    public CourtNodeTypes For(string? courtId) => courtId is not null && _courts.TryGetValue(courtId, out var court) ? court : Default;

    /// <summary>The built-in catalogue with <paramref name="file"/> over it (none: the built-in one). Throws
    /// <see cref="FormatException"/> naming the file and the entry that is wrong.</summary>
    public static ProgressNodeCatalogue Load(string? file)
    {
        if (string.IsNullOrEmpty(file))
        {
            return BuiltIn;
        }

        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{file} could not be read ({ex.Message})", ex);
        }

        return Parse(json, BuiltIn, file);
    }

    /// <summary>The catalogue of <paramref name="json"/> over the node types of <paramref name="under"/> (null: from
    /// nothing); the courts are the file's.</summary>
    public static ProgressNodeCatalogue Parse(string json, ProgressNodeCatalogue? under, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the file is not a JSON object");
            }

            var nodes = Merge(under?._nodes ?? [], root.TryGetProperty("nodes", out var n) ? n : default, "nodes");
            var courts = new Dictionary<string, IReadOnlyList<ProgressNodeType>>(StringComparer.Ordinal);
            if (root.TryGetProperty("courts", out var c))
            {
                if (c.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("courts: is not an object of court ids");
                }

                foreach (var court in c.EnumerateObject())
                {
                    courts[court.Name] = Merge(nodes, court.Value, $"courts.{court.Name}");
                }
            }

            if (nodes.Count == 0)
            {
                throw new FormatException("nodes: the catalogue has no node type");
            }

            return new ProgressNodeCatalogue(nodes, courts);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{what} is not a usable progress node catalogue ({ex.Message})", ex);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{what} is not a usable progress node catalogue ({ex.Message})", ex);
        }
    }

    private static List<ProgressNodeType> Merge(IReadOnlyList<ProgressNodeType> start, JsonElement entries, string path)
    {
        var merged = start.ToList();
        if (entries.ValueKind == JsonValueKind.Undefined)
        {
            return merged;
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{path}: is not an array of node types");
        }

        var i = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{at}: is not an object");
            }

            var id = Text(entry, "id", at) ?? throw new FormatException($"{at}.id: is required");
            if (!ProgressNodeIds.IsWellFormed(id))
            {
                throw new FormatException($"{at}.id: '{id}' is not upper-case letters, digits and underscores (at most {ProgressNodeIds.MaxLength})");
            }

            var index = merged.FindIndex(t => t.Id == id);
            var known = index >= 0 ? merged[index] : null;
            var name = Text(entry, "name", at) ?? known?.Name ?? throw new FormatException($"{at}.name: is required for the new type {id}");
            var template = Text(entry, "template", at) ?? known?.Template ?? throw new FormatException($"{at}.template: is required for the new type {id}");
            var procedure = Text(entry, "procedure", at) ?? known?.Procedure ?? "all";
            var hearingText = Text(entry, "hearing", at);
            var hearing = known?.Hearing ?? HearingEffect.None;
            if (hearingText is not null && !HearingEffects.TryParse(hearingText, out hearing))
            {
                throw new FormatException($"{at}.hearing: '{hearingText}' is not scheduled, rescheduled, postponed, cancelled or none");
            }

            var isPublic = entry.TryGetProperty("public", out var p)
                ? p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : throw new FormatException($"{at}.public: is not true or false")
                : known?.Public ?? true;
            if (name.Length > 64)
            {
                throw new FormatException($"{at}.name: is longer than 64 characters");
            }

            if (template.Length > 128 || !template.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                throw new FormatException($"{at}.template: '{template}' is not letters, digits, '.', '_' and '-' (at most 128)");
            }

            var type = new ProgressNodeType(id, name, isPublic, template, procedure, hearing);
            if (known is null)
            {
                merged.Add(type);
            }
            else
            {
                merged[index] = type;
            }
        }

        return merged;
    }

    private static string? Text(JsonElement entry, string property, string at)
    {
        if (!entry.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"{at}.{property}: is not a non-empty string");
    }

    private static ProgressNodeCatalogue ReadBuiltIn()
    {
        using var stream = typeof(ProgressNodeCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the built-in {ResourceName} is not embedded");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), null, "the built-in " + ResourceName);
    }
}
