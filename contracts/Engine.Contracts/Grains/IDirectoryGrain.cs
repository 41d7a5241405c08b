namespace Engine.Contracts.Grains;

/// <summary>Directory commands that span courts: bulk import, and commands that name only a judge. Stateless.</summary>
public interface IDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Merges courts, divisions and people into the directory (what the import leaves out stays as stored), so
    /// importing the same file twice writes nothing the second time.</summary>
    Task<ImportSummary> ImportAsync(DirectoryImport import);

    /// <summary>Creates or updates a person, moving them between courts when their court changed.</summary>
    Task<JudgeInfo> UpsertJudgeAsync(JudgeInfo judge);

    /// <summary>Sets a person's leave and delegate; with <paramref name="courtId"/>, only if the person is of that court.</summary>
    Task<JudgeInfo> SetAvailabilityAsync(string judgeId, AvailabilityInfo availability, string? courtId = null);
}
