using System.Text.Json;
using V1 = Engine.V1;

namespace Engine.Api;

/// <summary>
/// Reads a directory in the shape of shared/data/shanghai-courts.json: a divisionTemplate, courts (id, name, short,
/// level, parent, hotlineShare, optional divisions) and an optional judges array (id, name, court, division, role).
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
                var court = new V1.ImportCourt
                {
                    Id = Text(c, "id"),
                    Name = Text(c, "name"),
                    Short = Text(c, "short"),
                    Level = EnumOf<V1.CourtLevel>("COURT_LEVEL_", Text(c, "level"), "json.courts.level"),
                    Parent = Text(c, "parent"),
                    HotlineShare = c.TryGetProperty("hotlineShare", out var share) && share.ValueKind == JsonValueKind.Number ? share.GetDouble() : 0,
                };
                foreach (var d in Array(c, "divisions"))
                {
                    court.Divisions.Add(new V1.Division
                    {
                        CourtId = court.Id,
                        DivisionId = Text(d, "id"),
                        Name = Text(d, "name"),
                        Role = EnumOf<V1.DivisionRole>("DIVISION_ROLE_", Text(d, "role"), "json.courts.divisions.role"),
                        HeadJudgeId = Text(d, "head"),
                        VicePresidentId = Text(d, "vicePresident"),
                    });
                }

                request.Courts.Add(court);
            }

            foreach (var j in Array(root, "judges"))
            {
                request.Judges.Add(new V1.Judge
                {
                    JudgeId = Text(j, "id"),
                    Name = Text(j, "name"),
                    CourtId = Text(j, "court"),
                    DivisionId = Text(j, "division"),
                    Role = EnumOf<V1.JudgeRole>("JUDGE_ROLE_", Text(j, "role") is { Length: > 0 } r ? r : "JUDGE", "json.judges.role"),
                });
            }

            return request;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToArray()
            : [];

    private static string Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? string.Empty
            : string.Empty;

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
