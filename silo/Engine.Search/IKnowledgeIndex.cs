namespace Engine.Search;

/// <summary>
/// A ranked index of knowledge-base entries held in memory by each silo. Thread-safe: searches run concurrently with
/// each other and with changes (a search sees the index before or after a change, never half of it).
/// </summary>
public interface IKnowledgeIndex
{
    /// <summary>How many entries the index holds.</summary>
    int Count { get; }

    /// <summary>Adds the entry, or replaces the one with its id when <paramref name="document"/>'s version is not older.</summary>
    void Upsert(SearchDocument document);

    /// <summary>Takes the entry out (retired); nothing happens for an unknown id.</summary>
    void Remove(string entryId);

    /// <summary>The best entries for <paramref name="text"/> within <paramref name="scope"/>, best first, at most
    /// <paramref name="top"/>; entries written for one of the scope's courts rank before entries for every court of
    /// a similar score. Empty when nothing matches.</summary>
    IReadOnlyList<SearchHit> Search(string text, SearchScope scope, int top);
}

/// <summary>Splits Chinese (and mixed) text into the terms a person would call its words.</summary>
public interface ITextAnalyzer
{
    /// <summary>The terms of <paramref name="text"/>, in order, lower-cased, without punctuation and stop words.</summary>
    IReadOnlyList<string> Terms(string text);
}
