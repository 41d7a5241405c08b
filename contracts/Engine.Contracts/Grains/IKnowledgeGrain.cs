using System.Collections.Immutable;

namespace Engine.Contracts.Grains;

/// <summary>The knowledge base: its changes go to the engine's tables (the same for every silo); its searches are
/// answered from the in-memory index of the silo that takes the call. Stateless.</summary>
public interface IKnowledgeGrain : IGrainWithIntegerKey
{
    Task<KnowledgeEntry> CreateAsync(string entryId, KnowledgeContent content, string actor);

    /// <summary>A new version over <paramref name="expectedVersion"/>; a stale one is refused (FailedPrecondition, naming the current version).</summary>
    Task<KnowledgeEntry> UpdateAsync(string entryId, int expectedVersion, KnowledgeContent content, string actor);

    Task<KnowledgeEntry> RetireAsync(string entryId, int expectedVersion, string? reason, string actor);

    Task<KnowledgeHistory?> GetAsync(string entryId);

    Task<KnowledgePage> ListAsync(KnowledgeFilter filter, string? after, int pageSize);

    Task<KnowledgeImportSummary> ImportAsync(ImmutableArray<KnowledgeImportEntry> entries, string actor);

    /// <summary>Every entry in use (of <paramref name="courtId"/> only, when given), in id order.</summary>
    Task<ImmutableArray<KnowledgeEntry>> ExportAsync(string? courtId);

    /// <summary>The best entries effective today in the query's scope; self-service searches and suggestions are
    /// recorded for the figures under the answer's search id.</summary>
    Task<KnowledgeResult> SearchAsync(KnowledgeQuery query);

    /// <summary>The entries offered with a new consultation or case inquiry (Engine:Knowledge:SuggestionsOnSubmit of
    /// them; none when 0): answered from this silo's index, not recorded.</summary>
    Task<ImmutableArray<KnowledgeHit>> SuggestOnSubmitAsync(string text, string? courtId, Domain.TicketKind kind);

    /// <summary>Whether the entry ever had that version (a citation names a version that existed).</summary>
    Task<bool> VersionExistsAsync(string entryId, int version);

    /// <summary>The person of a self-service search opened a ticket anyway; false for an unknown search id.</summary>
    Task<bool> AttachTicketAsync(string searchId, string ticketId);
}
