namespace Engine.Tests.Support;

/// <summary>An engine with the sample directory whose contact-judge tickets are due in 3 s, urged at the deadline,
/// supervised 1 s and specially supervised 2 s after it (other kinds keep their working-day deadlines), and every
/// closed ticket called back. Its knowledge base's good score is <see cref="KnowledgeGoodScore"/>, so that the
/// supervision page's knowledge panel can be shown good and failed searches over a handful of entries.</summary>
public sealed class ContactJudgeDrill : IAsyncLifetime
{
    /// <summary>The drill's settings, for tests that start an engine of their own.</summary>
    public static readonly string[] Settings =
    [
        "--Engine:Deadlines:Kinds:ContactJudge:Reply=3 seconds",
        "--Engine:Deadlines:Kinds:ContactJudge:WarningShare=0.5",
        "--Engine:Deadlines:Kinds:ContactJudge:Supervision=1 second",
        "--Engine:Deadlines:Kinds:ContactJudge:SpecialSupervision=2 seconds",
        "--Engine:Tickets:CallbackShare=1",
    ];

    /// <summary>A search of an entry's own question scores above it with a few entries in the base; one sharing a
    /// word or two, below (the default, calibrated on the sample's 109 entries, is for a real base).</summary>
    public const string KnowledgeGoodScore = "--Engine:Knowledge:GoodScore=5";

    public EngineInstance Instance { get; private set; } = null!;

    public async Task InitializeAsync() => Instance = await EngineInstance.StartWithSampleDirectoryAsync([.. Settings, KnowledgeGoodScore]);

    public async Task DisposeAsync() => await Instance.DisposeAsync();
}
