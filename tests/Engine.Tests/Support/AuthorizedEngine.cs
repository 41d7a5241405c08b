using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>An engine that requires keys, with the sample directory imported and one key per role. The court-limited
/// roles reach Pudong; the judge key is Pudong's civil-1 judge 1; the channel key speaks for the hotline.</summary>
public sealed class AuthorizedEngine : IAsyncLifetime
{
    public const string Court = "sh-pudong";
    public const string OtherCourt = "sh-huangpu";
    public const string Division = "civil-1";

    public static string Judge(int n) => SampleDirectory.JudgeId(Court, Division, n);

    public EngineInstance Instance { get; private set; } = null!;

    /// <summary>Role name (as in the matrix) → key.</summary>
    public Dictionary<string, string> KeysByRole { get; } = new(StringComparer.Ordinal);

    public string this[string role] => KeysByRole[role];

    public async Task InitializeAsync()
    {
        Instance = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = Instance.AdminKey();
        await new V1.DirectoryService.DirectoryServiceClient(Instance.As(admin)).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        KeysByRole["admin"] = admin;
        KeysByRole["channel"] = await Instance.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Hotline }, PersonalData = true });
        KeysByRole["judge"] = await Instance.CreateKeyAsync(V1.AccessRole.Judge, new V1.AccessScope { JudgeId = Judge(1), PersonalData = true });
        KeysByRole["staff"] = await Instance.CreateKeyAsync(V1.AccessRole.CourtStaff, new V1.AccessScope { CourtIds = { Court }, PersonalData = true });
        KeysByRole["cases"] = await Instance.CreateKeyAsync(V1.AccessRole.CaseSystem, new V1.AccessScope { CourtIds = { Court }, PersonalData = true });
        KeysByRole["subscriber"] = await Instance.CreateKeyAsync(V1.AccessRole.Subscriber);
        KeysByRole["supervisor"] = await Instance.CreateKeyAsync(V1.AccessRole.Supervisor);
    }

    public async Task DisposeAsync() => await Instance.DisposeAsync();
}
