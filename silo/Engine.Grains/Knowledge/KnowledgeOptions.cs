using Microsoft.Extensions.Options;

namespace Engine.Grains.Knowledge;

/// <summary>The knowledge base's search, bound from "Engine:Knowledge".</summary>
public sealed class KnowledgeOptions
{
    /// <summary>How often each silo reads the knowledge changes made on other silos. Default 500 ms: a change is
    /// searchable everywhere within about a second.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The score from which a hit counts as a good answer: a search whose best hit is below it is a question
    /// the knowledge base does not answer (the figures' gaps). Scores are the analyzer's BM25, calibrated with
    /// bench/Engine.SearchEval's scores command on the sample entries (docs/search.md). Default 12.</summary>
    public double GoodScore { get; set; } = 12;

    /// <summary>Entries offered with a consultation or case inquiry in SubmitTicket's answer (0: none). Default 3.</summary>
    public int SuggestionsOnSubmit { get; set; } = 3;
}

public sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
{
    public ValidateOptionsResult Validate(string? name, KnowledgeOptions options)
    {
        var problems = new List<string>();
        if (options.RefreshInterval < TimeSpan.FromMilliseconds(10) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"Engine:Knowledge:RefreshInterval must be between 00:00:00.01 and 00:01:00 (it is {options.RefreshInterval})");
        }

        if (!double.IsFinite(options.GoodScore) || options.GoodScore < 0)
        {
            problems.Add($"Engine:Knowledge:GoodScore must be 0 or more (it is {options.GoodScore})");
        }

        if (options.SuggestionsOnSubmit is < 0 or > 3)
        {
            problems.Add($"Engine:Knowledge:SuggestionsOnSubmit must be between 0 and 3 (it is {options.SuggestionsOnSubmit})");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
