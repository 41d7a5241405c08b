using Engine.Domain;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Databases;

/// <summary>The ranges of <see cref="StorageOptions"/>. The engine reads "Engine:Storage" before its host exists (the
/// schema is applied while the silo is configured), so the host runs this itself and stops with its one line.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public const string Section = "Engine:Storage";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var check = new SettingsCheck(Section);
        check.Defined(nameof(options.Provider), options.Provider);
        if (options.Provider == StorageProvider.Postgres)
        {
            try
            {
                // The same reading the database will get, so that a string that passes here opens there.
                _ = options.PostgresConnectionString;
            }
            catch (InvalidOperationException ex)
            {
                // Its sentences name Engine:Storage:ConnectionString, and never the password.
                check.Add(ex.Message.ReplaceLineEndings(" "));
            }
        }
        else if (options.Provider == StorageProvider.Sqlite)
        {
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                // A silo meant for the cluster would otherwise run on a file of its own, alone, without a word.
                check.Fail(nameof(options.ConnectionString), $"is set but {check.Key(nameof(options.Provider))} is sqlite, which ignores it: set the provider to postgres, or remove the connection string");
            }

            check.Required(nameof(options.DataDirectory), options.DataDirectory);
            check.FileName(nameof(options.FileName), options.FileName);
            check.FileName(nameof(options.StatsFileName), options.StatsFileName);
            if (string.Equals(options.FileName, options.StatsFileName, StringComparison.OrdinalIgnoreCase))
            {
                check.Fail(nameof(options.StatsFileName), $"must differ from {check.Key(nameof(options.FileName))} (both are '{options.FileName}'): the statistics have a writer of their own");
            }
        }

        check.Between(nameof(options.MaxBatchSize), options.MaxBatchSize, 1, StorageOptions.MaxBatchSizeLimit);
        check.Between(nameof(options.MaxQueuedWrites), options.MaxQueuedWrites, 1, StorageOptions.MaxQueuedWritesLimit);
        check.Between(nameof(options.CheckpointRestartPages), options.CheckpointRestartPages, StorageOptions.CheckpointRestartPagesMin, StorageOptions.CheckpointRestartPagesMax);
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
