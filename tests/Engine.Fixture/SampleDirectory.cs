using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Fixture;

/// <summary>The Shanghai sample directory (samples/shanghai-courts.json) with made-up people added: in every court,
/// two judges per trial division plus its head, one member in the filing division and one in the service office, and
/// a vice-president in charge of the trial and execution divisions. Names are obviously fake ("法官 sh-pudong/civil-1/1").</summary>
public static class SampleDirectory
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "samples", "shanghai-courts.json");

    public static string Json { get; } = Build(null);

    /// <summary>The sample directory with people in <paramref name="courts"/> only.</summary>
    public static string ForCourts(IReadOnlyCollection<string> courts) => Build(courts);

    public static string JudgeId(string court, string division, int n) => $"{court}/{division}/{n}";

    public static string HeadId(string court, string division) => $"{court}/{division}/head";

    public static string VicePresidentId(string court) => $"{court}/vice-president";

    private static string Build(IReadOnlyCollection<string>? withPeople)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path))!.AsObject();
        var template = root["divisionTemplate"]!.AsArray();
        var judges = new JsonArray();
        var courts = root["courts"]!.AsArray();
        foreach (var court in courts)
        {
            var courtId = court!["id"]!.GetValue<string>();
            if (withPeople is not null && !withPeople.Contains(courtId))
            {
                continue;
            }

            var divisions = new JsonArray();
            foreach (var division in template)
            {
                var id = division!["id"]!.GetValue<string>();
                var role = division["role"]!.GetValue<string>();
                var copy = division.DeepClone().AsObject();
                if (role is "TRIAL" or "EXECUTION")
                {
                    copy["head"] = HeadId(courtId, id);
                    copy["vicePresident"] = VicePresidentId(courtId);
                    judges.Add(Judge(HeadId(courtId, id), courtId, id, "DIVISION_HEAD"));
                    judges.Add(Judge(JudgeId(courtId, id, 1), courtId, id, "JUDGE"));
                    judges.Add(Judge(JudgeId(courtId, id, 2), courtId, id, "JUDGE"));
                }
                else
                {
                    judges.Add(Judge(JudgeId(courtId, id, 1), courtId, id, role == "FILING" ? "JUDGE" : "PLATFORM_AGENT"));
                }

                divisions.Add(copy);
            }

            court["divisions"] = divisions;
            judges.Add(new JsonObject { ["id"] = VicePresidentId(courtId), ["name"] = $"副院长 {courtId}", ["court"] = courtId, ["role"] = "VICE_PRESIDENT" });
        }

        root["judges"] = judges;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static JsonObject Judge(string id, string court, string division, string role) => new()
    {
        ["id"] = id,
        ["name"] = $"法官 {id}",
        ["court"] = court,
        ["division"] = division,
        ["role"] = role,
    };
}
