using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Contracts;
using Engine.Domain;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.ProtoMapping;

/// <summary>Knowledge-base entries between the engine's records, engine.v1 knowledge.proto and the JSON file format
/// "engine.knowledge/1" (docs/knowledge.md), and the rules every entry's content keeps whichever way it comes.</summary>
public static class KnowledgeMapping
{
    public const string Format = "engine.knowledge/1";
    public const int MaxQuestionLength = 500;
    public const int MaxAnswerLength = 10_000;
    public const int MaxVariants = 50;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxIdLength = 64;
    public const int MaxAuthorLength = 100;

    public static V1.KnowledgeEntry ToProto(KnowledgeEntry entry) => new()
    {
        EntryId = entry.EntryId,
        Version = entry.Version,
        Content = ToProto(entry.Content),
        Retired = entry.Retired,
        ChangedAt = Timestamp.FromDateTimeOffset(entry.ChangedAt),
        ChangedBy = entry.ChangedBy,
    };

    public static V1.KnowledgeContent ToProto(KnowledgeContent content)
    {
        var proto = new V1.KnowledgeContent
        {
            Question = content.Question,
            Answer = content.Answer,
            CourtId = content.CourtId ?? string.Empty,
            EffectiveFrom = content.EffectiveFrom is { } from ? Day(from) : string.Empty,
            EffectiveTo = content.EffectiveTo is { } to ? Day(to) : string.Empty,
            Author = content.Author,
        };
        proto.Variants.AddRange(content.Variants);
        proto.Kinds.AddRange(content.Kinds.Select(k => (V1.TicketKind)k));
        proto.SubKinds.AddRange(content.SubKinds.Select(k => (V1.TicketSubKind)k));
        proto.Tags.AddRange(content.Tags);
        return proto;
    }

    /// <summary>The content of a request, with the problems found (field paths under <paramref name="prefix"/>); the
    /// content is null when a date could not be read. An empty author becomes <paramref name="defaultAuthor"/>.</summary>
    public static (KnowledgeContent? Content, IReadOnlyList<(string Field, string Problem)> Problems) FromProto(V1.KnowledgeContent proto, string prefix, string defaultAuthor)
    {
        var problems = new List<(string, string)>();
        var from = ReadDay(proto.EffectiveFrom, prefix + "effective_from", problems);
        var to = ReadDay(proto.EffectiveTo, prefix + "effective_to", problems);
        var kinds = proto.Kinds.Select((k, i) => (Kind: (TicketKind)k, i)).ToArray();
        foreach (var (kind, i) in kinds.Where(k => !System.Enum.IsDefined(k.Kind) || k.Kind == TicketKind.Unspecified))
        {
            problems.Add(($"{prefix}kinds[{i}]", "is not a ticket kind"));
        }

        var subKinds = proto.SubKinds.Select((k, i) => (Kind: (TicketSubKind)k, i)).ToArray();
        foreach (var (sub, i) in subKinds.Where(k => !System.Enum.IsDefined(k.Kind) || k.Kind == TicketSubKind.Unspecified))
        {
            problems.Add(($"{prefix}sub_kinds[{i}]", "is not a ticket sub-kind"));
        }

        var content = new KnowledgeContent(
            proto.Question, [.. proto.Variants], proto.Answer, [.. kinds.Select(k => k.Kind)], [.. subKinds.Select(k => k.Kind)],
            [.. proto.Tags], Mapping.NullIfEmpty(proto.CourtId), from, to, proto.Author.Length > 0 ? proto.Author : defaultAuthor);
        problems.AddRange(Problems(content, prefix, snake: true));
        return (content, problems);
    }

    /// <summary>What is wrong with an entry's content (lengths, counts, dates in order, sub-kinds of its kinds), as
    /// (field, problem); field names in the proto's snake_case or the JSON's camelCase.</summary>
    public static IEnumerable<(string Field, string Problem)> Problems(KnowledgeContent content, string prefix, bool snake)
    {
        string Name(string camel, string snakeName) => prefix + (snake ? snakeName : camel);
        if (Text(content.Question, MaxQuestionLength) is { } q)
        {
            yield return (Name("question", "question"), q);
        }

        if (Text(content.Answer, MaxAnswerLength) is { } a)
        {
            yield return (Name("answer", "answer"), a);
        }

        if (content.Variants.Length > MaxVariants)
        {
            yield return (Name("variants", "variants"), $"has more than {MaxVariants} variants");
        }

        for (var i = 0; i < content.Variants.Length && i < MaxVariants; i++)
        {
            if (Text(content.Variants[i], MaxQuestionLength) is { } v)
            {
                yield return ($"{Name("variants", "variants")}[{i}]", v);
            }
        }

        if (content.Tags.Length > MaxTags)
        {
            yield return (Name("tags", "tags"), $"has more than {MaxTags} tags");
        }

        for (var i = 0; i < content.Tags.Length && i < MaxTags; i++)
        {
            if (Text(content.Tags[i], MaxTagLength) is { } t)
            {
                yield return ($"{Name("tags", "tags")}[{i}]", t);
            }
        }

        if (content.CourtId is { } court && (court.Length is 0 or > MaxIdLength || court.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '{' or '}')))
        {
            yield return (Name("courtId", "court_id"), $"must be a court id: 1 to {MaxIdLength} characters without spaces, control characters or braces");
        }

        if (content.EffectiveFrom is { } from && content.EffectiveTo is { } to && to < from)
        {
            yield return (Name("effectiveTo", "effective_to"), "is before effective_from");
        }

        if (Text(content.Author, MaxAuthorLength) is { } author)
        {
            yield return (Name("author", "author"), author);
        }

        for (var i = 0; i < content.SubKinds.Length; i++)
        {
            var kind = (TicketKind)((int)content.SubKinds[i] / 100);
            if (content.Kinds.Length > 0 && !content.Kinds.Contains(kind))
            {
                yield return ($"{Name("subKinds", "sub_kinds")}[{i}]", "is a sub-kind of a kind the entry does not list");
            }
        }
    }

    /// <summary>An entry id (or court id): 1 to 64 letters, digits, '-', '_' or '.'.</summary>
    public static bool IsId(string? value) =>
        value is { Length: > 0 and <= MaxIdLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Reads a file of the format "engine.knowledge/1"; throws <see cref="FormatException"/> whose message
    /// starts with the field ("entries[3].question: is required").</summary>
    public static ImmutableArray<KnowledgeImportEntry> ParseFile(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"json: is not JSON ({ex.Message.Split('.')[0]})", ex);
        }

        if (root is not JsonObject file)
        {
            throw new FormatException("json: must be an object with \"format\" and \"entries\"");
        }

        if (Str(file["format"], "format") != Format)
        {
            throw new FormatException($"format: must be \"{Format}\"");
        }

        if (file["entries"] is not JsonArray entries)
        {
            throw new FormatException("entries: must be an array");
        }

        var read = ImmutableArray.CreateBuilder<KnowledgeImportEntry>(entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var at = $"entries[{i}].";
            if (entries[i] is not JsonObject e)
            {
                throw new FormatException($"entries[{i}]: must be an object");
            }

            var id = Str(e["id"], at + "id");
            if (!IsId(id))
            {
                throw new FormatException($"{at}id: must be 1 to {MaxIdLength} letters, digits, '-', '_' or '.'");
            }

            if (!seen.Add(id!))
            {
                throw new FormatException($"{at}id: \"{id}\" appears twice in the file");
            }

            var content = new KnowledgeContent(
                Str(e["question"], at + "question") ?? string.Empty,
                Strings(e["variants"], at + "variants"),
                Str(e["answer"], at + "answer") ?? string.Empty,
                [.. Strings(e["kinds"], at + "kinds").Select((k, j) => (TicketKind)Enum("TicketKind", k, $"{at}kinds[{j}]"))],
                [.. Strings(e["subKinds"], at + "subKinds").Select((k, j) => (TicketSubKind)Enum("TicketSubKind", k, $"{at}subKinds[{j}]"))],
                Strings(e["tags"], at + "tags"),
                Str(e["courtId"], at + "courtId"),
                Date(e["effectiveFrom"], at + "effectiveFrom"),
                Date(e["effectiveTo"], at + "effectiveTo"),
                Str(e["author"], at + "author") ?? "import");
            if (Problems(content, at, snake: false).FirstOrDefault() is { Field: not null } problem)
            {
                throw new FormatException($"{problem.Field}: {problem.Problem}");
            }

            read.Add(new KnowledgeImportEntry(id!, content));
        }

        return read.ToImmutable();
    }

    /// <summary>Writes entries in the format "engine.knowledge/1" (what <see cref="ParseFile"/> reads).</summary>
    public static string WriteFile(IEnumerable<KnowledgeEntry> entries)
    {
        var array = new JsonArray();
        foreach (var entry in entries)
        {
            var c = entry.Content;
            array.Add(new JsonObject
            {
                ["id"] = entry.EntryId,
                ["question"] = c.Question,
                ["variants"] = new JsonArray([.. c.Variants.Select(v => (JsonNode?)v)]),
                ["answer"] = c.Answer,
                ["kinds"] = new JsonArray([.. c.Kinds.Select(k => (JsonNode?)EnumNames.ShortName("TicketKind", (int)k))]),
                ["subKinds"] = new JsonArray([.. c.SubKinds.Select(k => (JsonNode?)EnumNames.ShortName("TicketSubKind", (int)k))]),
                ["tags"] = new JsonArray([.. c.Tags.Select(t => (JsonNode?)t)]),
                ["courtId"] = c.CourtId,
                ["effectiveFrom"] = c.EffectiveFrom is { } from ? Day(from) : null,
                ["effectiveTo"] = c.EffectiveTo is { } to ? Day(to) : null,
                ["author"] = c.Author,
            });
        }

        var file = new JsonObject { ["format"] = Format, ["entries"] = array };
        return file.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ReadDay(string text, string field, List<(string, string)> problems)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        problems.Add((field, "is not a date written yyyy-MM-dd, e.g. 2027-01-01"));
        return null;
    }

    private static string? Text(string value, int max) =>
        value.Trim().Length == 0 ? "is required" : value.Length > max ? $"is longer than {max} characters" : null;

    private static string? Str(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new FormatException($"{field}: must be a string"),
    };

    private static ImmutableArray<string> Strings(JsonNode? node, string field) => node switch
    {
        null => [],
        JsonArray a => [.. a.Select((n, i) => Str(n, $"{field}[{i}]") ?? throw new FormatException($"{field}[{i}]: must be a string"))],
        _ => throw new FormatException($"{field}: must be an array of strings"),
    };

    private static int Enum(string type, string name, string field) =>
        EnumNames.TryParse(type, name, out var number) ? number : throw new FormatException($"{field}: \"{name}\" is not a {type} name such as CONSULTATION");

    private static DateOnly? Date(JsonNode? node, string field) => Str(node, field) is { } text
        ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new FormatException($"{field}: is not a date written yyyy-MM-dd, e.g. 2027-01-01")
        : null;
}
