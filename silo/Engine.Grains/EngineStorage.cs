namespace Engine.Grains;

public static class EngineStorage
{
    /// <summary>The grain storage that holds grain state (cases, courts, judges): Orleans' ADO.NET provider behind the
    /// engine's refusals (Storage/DatabaseUnavailableFilter.cs).</summary>
    public const string GrainStateName = "engine";

    /// <summary>The ADO.NET provider itself (its rows keep the name they were written under: the name is not stored).</summary>
    internal const string AdoNetName = "engine-adonet";
}
