using System.Collections.Immutable;
using Engine.Domain;

namespace Engine.Contracts;

/// <summary>What an author writes of a knowledge-base entry (everything but its id, version and history).</summary>
/// <param name="CourtId">The court it was written for (it applies there and in the courts under it); null: every court.</param>
/// <param name="Kinds">The ticket kinds it answers; empty: any.</param>
/// <param name="SubKinds">The sub-kinds it answers; empty: any.</param>
/// <param name="EffectiveFrom">The first day (court time) it is answered; null: from always.</param>
/// <param name="EffectiveTo">The last day it is answered; null: until retired.</param>
[GenerateSerializer, Immutable]
public sealed record KnowledgeContent(
    [property: Id(0)] string Question,
    [property: Id(1)] ImmutableArray<string> Variants,
    [property: Id(2)] string Answer,
    [property: Id(3)] ImmutableArray<TicketKind> Kinds,
    [property: Id(4)] ImmutableArray<TicketSubKind> SubKinds,
    [property: Id(5)] ImmutableArray<string> Tags,
    [property: Id(6)] string? CourtId,
    [property: Id(7)] DateOnly? EffectiveFrom,
    [property: Id(8)] DateOnly? EffectiveTo,
    [property: Id(9)] string Author)
{
    /// <summary>Whether the entry is answered on <paramref name="day"/> (court time).</summary>
    public bool IsEffectiveOn(DateOnly day) => (EffectiveFrom is null || EffectiveFrom <= day) && (EffectiveTo is null || day <= EffectiveTo);

    /// <summary>Equal text, lists (in order) and dates: an import of this content changes nothing.</summary>
    public bool SameAs(KnowledgeContent other) =>
        Question == other.Question && Variants.SequenceEqual(other.Variants) && Answer == other.Answer
        && Kinds.SequenceEqual(other.Kinds) && SubKinds.SequenceEqual(other.SubKinds) && Tags.SequenceEqual(other.Tags)
        && CourtId == other.CourtId && EffectiveFrom == other.EffectiveFrom && EffectiveTo == other.EffectiveTo && Author == other.Author;
}

/// <summary>One version of an entry as stored: every version is kept. <see cref="Change"/> is the knowledge base's
/// change number of the write that made it (every silo reads the changes above the last it saw).</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeEntry(
    [property: Id(0)] string EntryId,
    [property: Id(1)] int Version,
    [property: Id(2)] KnowledgeContent Content,
    [property: Id(3)] bool Retired,
    [property: Id(4)] DateTimeOffset ChangedAt,
    [property: Id(5)] string ChangedBy,
    [property: Id(6)] long Change);

/// <summary>An entry as it is now, with every version it had (oldest first; the last is <see cref="Current"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeHistory([property: Id(0)] KnowledgeEntry Current, [property: Id(1)] ImmutableArray<KnowledgeEntry> Versions);

/// <summary>Which entries a list shows; null or false filters nothing.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeFilter(
    [property: Id(0)] string? CourtId,
    [property: Id(1)] TicketKind? Kind,
    [property: Id(2)] string? Tag,
    [property: Id(3)] bool IncludeRetired,
    [property: Id(4)] bool RetiredOnly);

/// <summary>A page of entries in id order; <see cref="NextAfter"/> is the id to continue after (null: the last page).</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgePage([property: Id(0)] ImmutableArray<KnowledgeEntry> Entries, [property: Id(1)] string? NextAfter);

/// <summary>One entry of an import: its id and content.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeImportEntry([property: Id(0)] string EntryId, [property: Id(1)] KnowledgeContent Content);

/// <summary>What an import did: entries created, updated, unchanged, and retired ones it left alone.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeImportSummary(
    [property: Id(0)] int Created,
    [property: Id(1)] int Updated,
    [property: Id(2)] int Unchanged,
    [property: Id(3)] ImmutableArray<string> SkippedRetired);

/// <summary>An entry found by a search: the entry as the asking silo holds it, and its score (higher is better;
/// <see cref="Good"/> when it reaches Engine:Knowledge:GoodScore).</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeHit([property: Id(0)] KnowledgeEntry Entry, [property: Id(1)] double Score, [property: Id(2)] bool Good);

/// <summary>Where a search comes from, for the figures: staff searching, suggestions for a ticket or text, or a
/// citizen's self-service search.</summary>
[GenerateSerializer]
public enum KnowledgeQuerySource
{
    Staff = 0,
    Suggestion = 1,
    SelfService = 2,
}

/// <summary>A search: the text, the asking court (its ancestors' entries apply too), the kind, how many, and where from.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeQuery(
    [property: Id(0)] string Text,
    [property: Id(1)] string? CourtId,
    [property: Id(2)] TicketKind Kind,
    [property: Id(3)] int Top,
    [property: Id(4)] KnowledgeQuerySource Source,
    [property: Id(5)] Channel Channel = Channel.Unspecified,
    [property: Id(6)] string? TicketId = null);

/// <summary>The entries found, best first, and (self-service and suggestions) the id the search is recorded under.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeResult([property: Id(0)] ImmutableArray<KnowledgeHit> Hits, [property: Id(1)] string? SearchId);

/// <summary>An entry and the version a staff member used when answering on the spot.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeCitation([property: Id(0)] string EntryId, [property: Id(1)] int Version);
