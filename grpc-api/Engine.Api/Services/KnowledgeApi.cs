using System.Buffers.Text;
using System.Text;
using Engine.Api.Security;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.Domain;
using Engine.ProtoMapping;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>The knowledge base (docs/knowledge.md): entries written by admins and court staff of the entry's court
/// (audited and published by the store, in the transaction of the change), searched by staff, suggested for tickets,
/// and searched by citizens through the channel adapters (PublicSearch, limited per key and end user).</summary>
[BindServiceMethod(typeof(StrictParsing<V1.KnowledgeService.KnowledgeServiceBase>), nameof(StrictParsing<V1.KnowledgeService.KnowledgeServiceBase>.BindService))]
public sealed class KnowledgeApi(IClusterClient grains, CallLimits limits) : V1.KnowledgeService.KnowledgeServiceBase
{
    public const int MaxTextLength = 500;
    public const int MaxReasonLength = 1024;
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 100;
    public const int MaxImportBytes = 16 * 1024 * 1024;
    public const int MaxImportEntries = 20_000;
    public const int MaxStaffTop = 20;
    public const int MaxPublicTop = 10;

    private IKnowledgeGrain Knowledge => grains.GetGrain<IKnowledgeGrain>(0);

    public override async Task<V1.KnowledgeEntryResponse> CreateEntry(V1.CreateEntryRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckEntryId(v, request.EntryId);
        var content = Content(v, request.Content, context);
        v.ThrowIfInvalid();
        Scopes.RequireCourt(context, content!.CourtId, "content.court_id");
        return Answer(await Knowledge.CreateAsync(request.EntryId, content, Principal.Of(context).Actor));
    }

    public override async Task<V1.KnowledgeEntryResponse> UpdateEntry(V1.UpdateEntryRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckEntryId(v, request.EntryId);
        CheckVersion(v, request.ExpectedVersion);
        var content = Content(v, request.Content, context);
        v.ThrowIfInvalid();
        Scopes.RequireCourt(context, content!.CourtId, "content.court_id");
        await RequireStoredInScopeAsync(context, request.EntryId);
        return Answer(await Knowledge.UpdateAsync(request.EntryId, request.ExpectedVersion, content, Principal.Of(context).Actor));
    }

    public override async Task<V1.KnowledgeEntryResponse> RetireEntry(V1.RetireEntryRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckEntryId(v, request.EntryId);
        CheckVersion(v, request.ExpectedVersion);
        v.OptionalText("reason", request.Reason, MaxReasonLength, multiline: true);
        v.ThrowIfInvalid();
        await RequireStoredInScopeAsync(context, request.EntryId);
        return Answer(await Knowledge.RetireAsync(request.EntryId, request.ExpectedVersion, Mapping.NullIfEmpty(request.Reason), Principal.Of(context).Actor));
    }

    public override async Task<V1.GetEntryResponse> GetEntry(V1.GetEntryRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        CheckEntryId(v, request.EntryId);
        v.ThrowIfInvalid();
        var history = await Knowledge.GetAsync(request.EntryId) ?? throw Errors.NotFound($"knowledge entry {request.EntryId} does not exist");
        RequireReadable(context, history.Current.Content.CourtId);
        var response = new V1.GetEntryResponse { Entry = KnowledgeMapping.ToProto(history.Current) };
        response.Versions.AddRange(history.Versions.Select(KnowledgeMapping.ToProto));
        return response;
    }

    public override async Task<V1.ListEntriesResponse> ListEntries(V1.ListEntriesRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.OptionalId("court_id", request.CourtId);
        v.OptionalEnum("kind", request.Kind);
        v.OptionalText("tag", request.Tag, KnowledgeMapping.MaxTagLength);
        v.OptionalEnum("retired", request.Retired);
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            v.Add("page_size", $"must be between 1 and {MaxPageSize} (0: {DefaultPageSize})");
        }

        v.ThrowIfInvalid();
        var filter = new KnowledgeFilter(
            Mapping.NullIfEmpty(request.CourtId), request.Kind == V1.TicketKind.Unspecified ? null : (TicketKind)request.Kind, Mapping.NullIfEmpty(request.Tag),
            request.Retired == V1.RetiredFilter.Include, request.Retired == V1.RetiredFilter.Only);
        if (filter.CourtId is not null)
        {
            RequireReadable(context, filter.CourtId, "court_id");
        }

        string? after = null;
        if (request.PageToken.Length > 0)
        {
            after = DecodeToken(filter, request.PageToken) ?? throw Errors.Invalid([("page_token", "is not a token of this list (the filters changed, or it was altered)")]);
        }

        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var response = new V1.ListEntriesResponse();
        var scope = Principal.Of(context).Scope;
        while (true)
        {
            var page = await Knowledge.ListAsync(filter, after, pageSize);

            // A key limited to courts sees entries for every court and those of its courts, and no others.
            response.Entries.AddRange(page.Entries.Where(e => Readable(scope, e.Content.CourtId)).Take(pageSize - response.Entries.Count).Select(KnowledgeMapping.ToProto));
            after = page.NextAfter;
            if (after is null || response.Entries.Count >= pageSize)
            {
                break;
            }
        }

        response.NextPageToken = after is null ? string.Empty : EncodeToken(filter, response.Entries[^1].EntryId);
        return response;
    }

    public override async Task<V1.ImportEntriesResponse> ImportEntries(V1.ImportEntriesRequest request, ServerCallContext context)
    {
        if (request.Json.Length == 0)
        {
            Errors.ThrowInvalid("json", "is required: a file of the format \"engine.knowledge/1\"");
        }

        if (Encoding.UTF8.GetByteCount(request.Json) > MaxImportBytes)
        {
            Errors.ThrowInvalid("json", $"is larger than {MaxImportBytes / 1024 / 1024} MiB");
        }

        System.Collections.Immutable.ImmutableArray<KnowledgeImportEntry> entries;
        try
        {
            entries = KnowledgeMapping.ParseFile(request.Json);
        }
        catch (FormatException ex)
        {
            var colon = ex.Message.IndexOf(':', StringComparison.Ordinal);
            var field = ex.Message[..colon];
            throw Errors.Invalid([(field == "json" ? field : "json." + field, ex.Message[(colon + 1)..].Trim())]);
        }

        if (entries.Length > MaxImportEntries)
        {
            Errors.ThrowInvalid("json.entries", $"has more than {MaxImportEntries} entries");
        }

        for (var i = 0; i < entries.Length; i++)
        {
            Scopes.RequireCourt(context, entries[i].Content.CourtId, $"json.entries[{i}].courtId");
        }

        var summary = await Knowledge.ImportAsync(entries, Principal.Of(context).Actor);
        var response = new V1.ImportEntriesResponse { Created = summary.Created, Updated = summary.Updated, Unchanged = summary.Unchanged };
        response.SkippedRetired.AddRange(summary.SkippedRetired);
        return response;
    }

    public override async Task<V1.ExportEntriesResponse> ExportEntries(V1.ExportEntriesRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.OptionalId("court_id", request.CourtId);
        v.ThrowIfInvalid();
        var court = Mapping.NullIfEmpty(request.CourtId);
        if (court is not null)
        {
            RequireReadable(context, court, "court_id");
        }

        var scope = Principal.Of(context).Scope;
        var entries = (await Knowledge.ExportAsync(court)).Where(e => Readable(scope, e.Content.CourtId)).ToArray();
        return new V1.ExportEntriesResponse { Json = KnowledgeMapping.WriteFile(entries), Count = entries.Length };
    }

    public override async Task<V1.SearchKnowledgeResponse> SearchKnowledge(V1.SearchKnowledgeRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireText("text", request.Text, MaxTextLength);
        v.OptionalId("court_id", request.CourtId);
        v.OptionalEnum("kind", request.Kind);
        var top = Top(v, request.Top, 5, MaxStaffTop);
        v.ThrowIfInvalid();
        if (request.CourtId.Length > 0)
        {
            RequireReadable(context, request.CourtId, "court_id");
        }

        var result = await Knowledge.SearchAsync(new KnowledgeQuery(
            request.Text, Mapping.NullIfEmpty(request.CourtId), (TicketKind)request.Kind, top, KnowledgeQuerySource.Staff));
        return Hits(result);
    }

    public override async Task<V1.SearchKnowledgeResponse> SuggestAnswers(V1.SuggestAnswersRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        if (request.TicketId.Length > 0 && (request.Text.Length > 0 || request.CourtId.Length > 0 || request.Kind != V1.TicketKind.Unspecified))
        {
            v.Add("ticket_id", "give either a ticket, or text with court_id and kind");
        }

        if (request.TicketId.Length == 0)
        {
            v.RequireText("text", request.Text, MaxTextLength);
        }

        v.OptionalId("ticket_id", request.TicketId);
        v.OptionalId("court_id", request.CourtId);
        v.OptionalEnum("kind", request.Kind);
        var top = Top(v, request.Top, 3, MaxStaffTop);
        v.ThrowIfInvalid();
        KnowledgeQuery query;
        if (request.TicketId.Length > 0)
        {
            var ticket = await Scopes.OnTicketAsync(context, command: false, () => grains.GetGrain<ITicketGrain>(request.TicketId).GetAsync())
                ?? throw Errors.NotFound($"ticket {request.TicketId} does not exist");
            var text = ticket.Content.Length > MaxTextLength ? ticket.Content[..MaxTextLength] : ticket.Content;
            query = new KnowledgeQuery(text, ticket.CourtId, ticket.Kind, top, KnowledgeQuerySource.Suggestion, ticket.Channel, ticket.TicketId);
        }
        else
        {
            if (request.CourtId.Length > 0)
            {
                RequireReadable(context, request.CourtId, "court_id");
            }

            query = new KnowledgeQuery(request.Text, Mapping.NullIfEmpty(request.CourtId), (TicketKind)request.Kind, top, KnowledgeQuerySource.Suggestion);
        }

        return Hits(await Knowledge.SearchAsync(query));
    }

    public override async Task<V1.PublicSearchResponse> PublicSearch(V1.PublicSearchRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        v.RequireText("text", request.Text, MaxTextLength);
        v.OptionalId("court_id", request.CourtId);
        v.RequireEnum("channel", request.Channel);
        var top = Top(v, request.Top, 3, MaxPublicTop);
        v.ThrowIfInvalid();
        Scopes.RequireChannel(context, (Channel)request.Channel, "channel");
        limits.TakePublicSearch(Principal.Of(context), CaseApi.LookupSource(context));
        var result = await Knowledge.SearchAsync(new KnowledgeQuery(
            request.Text, Mapping.NullIfEmpty(request.CourtId), TicketKind.Consultation, top, KnowledgeQuerySource.SelfService, (Channel)request.Channel));
        var response = new V1.PublicSearchResponse { SearchId = result.SearchId ?? string.Empty };
        response.Answers.AddRange(result.Hits.Select(h => new V1.PublicAnswer
        {
            EntryId = h.Entry.EntryId,
            Version = h.Entry.Version,
            Question = h.Entry.Content.Question,
            Answer = h.Entry.Content.Answer,
            Score = h.Score,
            Good = h.Good,
        }));
        return response;
    }

    /// <summary>Entries for every court are read by every key; a court's entries by keys that reach the court.</summary>
    private static bool Readable(AccessScope scope, string? courtId) => courtId is null || !Scopes.Limited(scope) || scope.ReachesCourt(courtId);

    private static void RequireReadable(ServerCallContext context, string? courtId, string field = "entry_id")
    {
        if (courtId is not null)
        {
            Scopes.RequireCourt(context, courtId, field);
        }
    }

    /// <summary>A change of a stored entry needs the entry's (current) court in scope, as well as the new content's.</summary>
    private async Task RequireStoredInScopeAsync(ServerCallContext context, string entryId)
    {
        if (!Scopes.Limited(Principal.Of(context).Scope))
        {
            return;
        }

        var stored = await Knowledge.GetAsync(entryId) ?? throw Errors.NotFound($"knowledge entry {entryId} does not exist");
        Scopes.RequireCourt(context, stored.Current.Content.CourtId, "entry_id");
    }

    private static KnowledgeContent? Content(RequestValidator v, V1.KnowledgeContent? proto, ServerCallContext context)
    {
        if (proto is null)
        {
            v.Add("content", "is required");
            return null;
        }

        var (content, problems) = KnowledgeMapping.FromProto(proto, "content.", Principal.Of(context).Actor);
        foreach (var (field, problem) in problems)
        {
            v.Add(field, problem);
        }

        v.OptionalId("content.court_id", proto.CourtId);
        return content;
    }

    private static void CheckEntryId(RequestValidator v, string entryId)
    {
        if (!KnowledgeMapping.IsId(entryId))
        {
            v.Add("entry_id", entryId.Length == 0 ? "is required" : $"must be 1 to {KnowledgeMapping.MaxIdLength} letters, digits, '-', '_' or '.'");
        }
    }

    private static void CheckVersion(RequestValidator v, int version)
    {
        if (version < 1)
        {
            v.Add("expected_version", "is required: the version the change was written against (1 or more)");
        }
    }

    private static int Top(RequestValidator v, int top, int fallback, int max)
    {
        if (top is < 0 || top > max)
        {
            v.Add("top", $"must be between 1 and {max} (0: {fallback})");
        }

        return top == 0 ? fallback : top;
    }

    private static V1.KnowledgeEntryResponse Answer(KnowledgeEntry entry) => new() { Entry = KnowledgeMapping.ToProto(entry) };

    private static V1.SearchKnowledgeResponse Hits(KnowledgeResult result)
    {
        var response = new V1.SearchKnowledgeResponse { SearchId = result.SearchId ?? string.Empty };
        response.Hits.AddRange(result.Hits.Select(h => new V1.KnowledgeHit { Entry = KnowledgeMapping.ToProto(h.Entry), Score = h.Score, Good = h.Good }));
        return response;
    }

    private static string EncodeToken(KnowledgeFilter filter, string lastId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\u001f', "k1", Fingerprint(filter), lastId)));

    private static string? DecodeToken(KnowledgeFilter filter, string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\u001f');
            return parts.Length == 3 && parts[0] == "k1" && parts[1] == Fingerprint(filter) && KnowledgeMapping.IsId(parts[2]) ? parts[2] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Fingerprint(KnowledgeFilter f) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', f.CourtId, f.Kind, f.Tag, f.IncludeRetired, f.RetiredOnly))), 0, 8);
}
