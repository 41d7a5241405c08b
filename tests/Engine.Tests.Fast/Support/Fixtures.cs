namespace Engine.Tests.Support;

/// <summary>The upgrade fixtures (tests/fixtures), copied beside the tests.</summary>
public static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");
}
