namespace Engine.Contracts.Grains;

/// <summary>Directory commands that span courts: bulk import, and commands that name only a judge. Stateless.</summary>
public interface IDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Imports courts, divisions and people; upserts, so importing twice changes nothing.</summary>
    Task<ImportSummary> ImportAsync(DirectoryImport import);

    /// <summary>Creates or updates a person, moving them between courts when their court changed.</summary>
    Task<JudgeInfo> UpsertJudgeAsync(JudgeInfo judge);

    /// <summary>Sets a person's leave and delegate; with <paramref name="courtId"/>, only if the person is of that court.</summary>
    Task<JudgeInfo> SetAvailabilityAsync(string judgeId, AvailabilityInfo availability, string? courtId = null);
}
