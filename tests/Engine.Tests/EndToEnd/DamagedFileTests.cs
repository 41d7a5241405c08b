using Engine.Storage.Databases;
using Engine.Tests.Support;

namespace Engine.Tests.EndToEnd;

/// <summary>An engine started on a data file it cannot use (damaged, or not a file at all) stops at once, as an operator
/// runs it: one line on stderr naming the file and what to do, and exit status 1.</summary>
public sealed class DamagedFileTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_engine_db_with_a_damaged_header_stops_start_up_with_one_line_naming_the_file()
    {
        using var data = new TempDirectory();
        var settings = Create(data.Path);
        Overwrite(settings.DatabasePath, "not a database!!"u8);

        var line = await StartUpFailureAsync(data.Path);

        Assert.Contains($"'{settings.DatabasePath}'", line, StringComparison.Ordinal);
        Assert.Contains("is damaged", line, StringComparison.Ordinal);
        Assert.Contains("restore it from a backup", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_in_place_of_engine_db_stops_start_up_with_one_line_naming_the_file()
    {
        using var data = new TempDirectory();
        var settings = new StorageOptions { DataDirectory = data.Path };
        Directory.CreateDirectory(settings.DatabasePath);

        var line = await StartUpFailureAsync(data.Path);

        Assert.Contains($"'{settings.DatabasePath}' cannot be opened", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_stats_db_is_named_and_said_to_be_counted_again_when_moved_aside()
    {
        using var data = new TempDirectory();
        var settings = Create(data.Path);
        Overwrite(settings.StatsDatabasePath, new byte[100]);

        var line = await StartUpFailureAsync(data.Path);

        Assert.Contains($"'{settings.StatsDatabasePath}' is damaged", line, StringComparison.Ordinal);
        Assert.Contains("move it aside", line, StringComparison.Ordinal);
    }

    /// <summary>The engine's two files, made as the engine makes them.</summary>
    private static StorageOptions Create(string directory)
    {
        var settings = new StorageOptions { DataDirectory = directory };
        var database = Database.Create(settings);
        Schema.Apply(database);
        Schema.Apply(Database.CreateStats(settings, database));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return settings;
    }

    private static void Overwrite(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Write(bytes);
    }

    private static async Task<string> StartUpFailureAsync(string data)
    {
        using var engine = EngineProcess.Start(EngineProcess.Args(FreePorts.Next(), data));

        Assert.Equal(1, await engine.WaitForExitAsync(ExitTimeout));

        var line = Assert.Single(engine.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("engine: the database file '", line, StringComparison.Ordinal);
        return line;
    }
}
