using Engine.Api;
using Engine.Api.Services;
using Engine.Contracts.Grains;
using Engine.ProtoMapping;

namespace Engine.Silo;

/// <summary>
/// Imports the file named by Engine:ImportDirectory (--import), then the knowledge base's file (Engine:ImportKnowledge,
/// --import-knowledge, or knowledge-base.json beside the directory file) as the engine starts: after the silo, and before the
/// gRPC listener opens and the host says it has started (ASP.NET Core starts the server after the other hosted
/// services). Imported after the start, as it was, the first calls met courts the file was about to add, and were
/// answered INVALID_ARGUMENT "court … is not in the directory", an answer callers do not retry.
/// </summary>
internal sealed class DirectoryImportAtStart(EngineOptions options, IClusterClient grains) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.ImportDirectory))
        {
            var request = DirectoryJson.Parse(await File.ReadAllTextAsync(options.ImportDirectory, cancellationToken));
            await grains.GetGrain<IDirectoryGrain>(0).ImportAsync(DirectoryApi.ToImport(request));
        }

        if (KnowledgeFile(options) is { } knowledge)
        {
            var entries = KnowledgeMapping.ParseFile(await File.ReadAllTextAsync(knowledge, cancellationToken));
            await grains.GetGrain<IKnowledgeGrain>(0).ImportAsync(entries, "engine");
        }
    }

    /// <summary>The knowledge-base file to import: Engine:ImportKnowledge, else knowledge-base.json beside the
    /// directory file when there is one; null for none.</summary>
    public static string? KnowledgeFile(EngineOptions options)
    {
        if (!string.IsNullOrEmpty(options.ImportKnowledge))
        {
            return options.ImportKnowledge;
        }

        if (string.IsNullOrEmpty(options.ImportDirectory))
        {
            return null;
        }

        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.ImportDirectory))!, KnowledgeFileName);
        return File.Exists(beside) ? beside : null;
    }

    /// <summary>The knowledge base's file beside a directory file (samples/knowledge-base.json).</summary>
    public const string KnowledgeFileName = "knowledge-base.json";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
