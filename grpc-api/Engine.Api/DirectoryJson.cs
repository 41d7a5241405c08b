using System.Text.Json;
using V1 = Engine.V1;

namespace Engine.Api;

/// <summary>
/// Reads a directory in the shape of shared/data/shanghai-courts.json: a divisionTemplate, courts (id, name, short,
/// level, parent, hotlineShare, optional divisions with head and vicePresident) and an optional judges array (id,
/// name, court, division, role). An import merges: a property left out keeps what is stored, one given as null clears
/// it, so these map to unset and to set-to-empty in the request.
/// </summary>
public static class DirectoryJson
{
    public static V1.ImportDirectoryRequest Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw Errors.Invalid([("json", $"is not valid JSON ({ex.Message})")]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Errors.Invalid([("json", "must be an object with divisionTemplate, courts and judges")]);
            }

            var request = new V1.ImportDirectoryRequest();
            foreach (var t in Array(root, "divisionTemplate"))
            {
                request.DivisionTemplate.Add(new V1.ImportDivisionTemplate
                {
                    Id = Text(t, "id"),
                    Name = Text(t, "name"),
                    Role = EnumOf<V1.DivisionRole>("DIVISION_ROLE_", Text(t, "role"), "json.divisionTemplate.role"),
                });
            }

            foreach (var c in Array(root, "courts"))
            {
                var court = new V1.ImportCourt { Id = Text(c, "id"), Name = Text(c, "name") };
                if (Given(c, "short", "json.courts.short") is { } shortName)
                {
                    court.Short = shortName;
                }

                if (Given(c, "level", "json.courts.level") is { } level)
                {
                    court.Level = EnumOf<V1.CourtLevel>("COURT_LEVEL_", level, "json.courts.level");
                }

                if (Given(c, "parent", "json.courts.parent") is { } parent)
                {
                    court.Parent = parent;
                }

                if (GivenNumber(c, "hotlineShare", "json.courts.hotlineShare") is { } share)
                {
                    court.HotlineShare = share;
                }

                foreach (var d in Array(c, "divisions"))
                {
                    var division = new V1.ImportDivision
                    {
                        CourtId = court.Id,
                        DivisionId = Text(d, "id"),
                        Name = Text(d, "name"),
                        Role = EnumOf<V1.DivisionRole>("DIVISION_ROLE_", Text(d, "role"), "json.courts.divisions.role"),
                    };
                    if (Given(d, "head", "json.courts.divisions.head") is { } head)
                    {
                        division.HeadJudgeId = head;
                    }

                    if (Given(d, "vicePresident", "json.courts.divisions.vicePresident") is { } vicePresident)
                    {
                        division.VicePresidentId = vicePresident;
                    }

                    court.Divisions.Add(division);
                }

                request.Courts.Add(court);
            }

            foreach (var j in Array(root, "judges"))
            {
                var judge = new V1.ImportJudge { JudgeId = Text(j, "id"), Name = Text(j, "name"), CourtId = Text(j, "court") };
                if (Given(j, "division", "json.judges.division") is { } division)
                {
                    judge.DivisionId = division;
                }

                if (Given(j, "role", "json.judges.role") is { } role)
                {
                    judge.Role = EnumOf<V1.JudgeRole>("JUDGE_ROLE_", role, "json.judges.role");
                }

                request.Judges.Add(judge);
            }

            return request;
        }
    }

    private static JsonElement[] Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToArray()
            : [];

    private static string Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? string.Empty
            : string.Empty;

    /// <summary>A property that may be left out: null when it is (the stored value stays), "" when it is given as
    /// null (the stored value is cleared), else its text.</summary>
    private static string? Given(JsonElement parent, string name, string field)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null => string.Empty,
            JsonValueKind.String => value.GetString() ?? string.Empty,
            _ => throw Errors.Invalid([(field, "must be a string, or null to clear it")]),
        };
    }

    /// <summary>As <see cref="Given"/>, for a number: 0 when given as null.</summary>
    private static double? GivenNumber(JsonElement parent, string name, string field)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null => 0,
            JsonValueKind.Number => value.GetDouble(),
            _ => throw Errors.Invalid([(field, "must be a number, or null to clear it")]),
        };
    }

    private static T EnumOf<T>(string prefix, string text, string field)
        where T : struct, Enum
    {
        if (text.Length == 0)
        {
            return default;
        }

        // Protobuf's C# enum names drop the prefix: DIVISION_ROLE_FILING is DivisionRole.Filing.
        var name = text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? text[prefix.Length..] : text;
        return Enum.TryParse<T>(name.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw Errors.Invalid([(field, $"{Errors.Quote(text)} is not a known {typeof(T).Name}")]);
    }
}
