namespace Engine.Grains;

public static class EngineStorage
{
    /// <summary>The ADO.NET grain-storage provider that holds grain state (cases, courts, judges).</summary>
    public const string GrainStateName = "engine";
}
