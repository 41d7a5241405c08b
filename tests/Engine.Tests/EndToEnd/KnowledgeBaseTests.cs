using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>The knowledge base through real gRPC on the embedded engine: versions, optimistic concurrency, events and
/// audit records, idempotent import, and what a search may return (court scope, kinds, dates, retirement).</summary>
public sealed class KnowledgeBaseTests(SharedEngine fixture) : IClassFixture<SharedEngine>
{
    private static int _next;

    private EngineInstance Engine => fixture.Instance;

    private static string NewId(string prefix = "kb-test") => $"{prefix}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid().ToString("N")[..6]}";

    internal static V1.KnowledgeContent Content(string question, string answer, string? court = null, params V1.TicketKind[] kinds)
    {
        var content = new V1.KnowledgeContent { Question = question, Answer = answer, CourtId = court ?? string.Empty, Author = "test" };
        content.Kinds.AddRange(kinds);
        return content;
    }

    [Fact]
    public async Task An_entry_keeps_every_version_and_a_stale_change_is_refused_naming_the_current_version()
    {
        var id = NewId();
        var created = (await Engine.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest { EntryId = id, Content = Content("诉讼费用怎么交纳？", "可以在网上缴费。") })).Entry;
        Assert.Equal(1, created.Version);

        var changed = Content("诉讼费用怎么交纳？", "可以在网上缴费，也可以到法院窗口缴纳。");
        changed.Variants.Add("诉讼费在哪里交");
        var updated = (await Engine.Knowledge.UpdateEntryAsync(new V1.UpdateEntryRequest { EntryId = id, ExpectedVersion = 1, Content = changed })).Entry;
        Assert.Equal(2, updated.Version);

        var stale = await Assert.ThrowsAsync<RpcException>(async () =>
            await Engine.Knowledge.UpdateEntryAsync(new V1.UpdateEntryRequest { EntryId = id, ExpectedVersion = 1, Content = Content("诉讼费用怎么交纳？", "别的答案") }));
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        Assert.Contains("version 2", stale.Status.Detail, StringComparison.Ordinal);

        var retired = (await Engine.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = id, ExpectedVersion = 2, Reason = "收费方式已变" })).Entry;
        Assert.True(retired.Retired);
        Assert.Equal(3, retired.Version);

        var history = await Engine.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = id });
        Assert.Equal([1, 2, 3], history.Versions.Select(v => v.Version));
        Assert.Equal("可以在网上缴费。", history.Versions[0].Content.Answer);
        Assert.Equal(["诉讼费在哪里交"], history.Versions[1].Content.Variants);
        Assert.True(history.Entry.Retired);

        var again = await Assert.ThrowsAsync<RpcException>(async () =>
            await Engine.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = id, ExpectedVersion = 3 }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task Every_change_is_published_as_an_event_and_written_to_the_audit_log()
    {
        var id = NewId();
        using var stream = new V1.EventService.EventServiceClient(Engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { EventTypes = { "knowledge.entry_created", "knowledge.entry_updated", "knowledge.entry_retired" } },
        });
        await Engine.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest { EntryId = id, Content = Content("开庭时间怎么查？", "登录诉讼服务网查询。") });
        await Engine.Knowledge.UpdateEntryAsync(new V1.UpdateEntryRequest { EntryId = id, ExpectedVersion = 1, Content = Content("开庭时间怎么查？", "登录诉讼服务网或拨打12368查询。") });
        await Engine.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = id, ExpectedVersion = 2, Reason = "合并到别的条目" });

        var events = (await EventStreams.ReadEventsAsync(stream, e => e.Count(x => x.AggregateId == "knowledge/" + id) >= 3))
            .Where(e => e.AggregateId == "knowledge/" + id).ToList();
        Assert.Equal(["knowledge.entry_created", "knowledge.entry_updated", "knowledge.entry_retired"], events.Select(e => e.EventType));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.AggregateVersion));
        var updated = events[1].Payload.Unpack<V1.KnowledgeEntryUpdated>();
        Assert.Equal("登录诉讼服务网或拨打12368查询。", updated.Entry.Content.Answer);
        Assert.Equal(1, updated.PreviousVersion);
        Assert.Equal("合并到别的条目", events[2].Payload.Unpack<V1.KnowledgeEntryRetired>().Reason);

        var audit = (await Engine.Access(null).ListAuditLogAsync(new V1.ListAuditLogRequest { PageSize = 200 })).Entries
            .Where(a => a.Target == "knowledge entry " + id).Select(a => a.Action).Reverse();
        Assert.Equal(["engine.v1.KnowledgeService/CreateEntry", "engine.v1.KnowledgeService/UpdateEntry", "engine.v1.KnowledgeService/RetireEntry"], audit);
    }

    [Fact]
    public async Task Importing_the_same_file_twice_writes_nothing_the_second_time_and_a_retired_entry_stays_retired()
    {
        var first = NewId("kb-import");
        var second = NewId("kb-import");
        var json = $$"""
            { "format": "engine.knowledge/1",
              "entries": [
                { "id": "{{first}}", "question": "网上立案需要准备哪些材料？", "variants": ["网上起诉要交什么材料"], "answer": "起诉状、身份证明和证据材料。",
                  "kinds": ["CONSULTATION"], "subKinds": ["CONSULTATION_PROCEDURE"], "tags": ["立案"], "courtId": null,
                  "effectiveFrom": "2026-01-01", "effectiveTo": null, "author": "sample" },
                { "id": "{{second}}", "question": "执行款什么时候能到账？", "answer": "执行款到账后一般在三十日内发放。", "kinds": [], "author": "sample" } ] }
            """;
        var imported = await Engine.Knowledge.ImportEntriesAsync(new V1.ImportEntriesRequest { Json = json });
        Assert.Equal((2, 0, 0), (imported.Created, imported.Updated, imported.Unchanged));

        var audited = (await Engine.Access(null).ListAuditLogAsync(new V1.ListAuditLogRequest { PageSize = 500 })).Entries.Count(a => a.Target.EndsWith(first, StringComparison.Ordinal));
        var again = await Engine.Knowledge.ImportEntriesAsync(new V1.ImportEntriesRequest { Json = json });
        Assert.Equal((0, 0, 2), (again.Created, again.Updated, again.Unchanged));
        var entry = await Engine.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = first });
        Assert.Single(entry.Versions);
        Assert.Equal([V1.TicketSubKind.ConsultationProcedure], entry.Entry.Content.SubKinds);
        Assert.Equal("2026-01-01", entry.Entry.Content.EffectiveFrom);
        Assert.Equal(audited, (await Engine.Access(null).ListAuditLogAsync(new V1.ListAuditLogRequest { PageSize = 500 })).Entries.Count(a => a.Target.EndsWith(first, StringComparison.Ordinal)));

        await Engine.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = second, ExpectedVersion = 1 });
        var third = await Engine.Knowledge.ImportEntriesAsync(new V1.ImportEntriesRequest { Json = json.Replace("三十日内", "十五日内", StringComparison.Ordinal) });
        Assert.Equal([second], third.SkippedRetired);
        Assert.True((await Engine.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = second })).Entry.Retired);

        var exported = await Engine.Knowledge.ExportEntriesAsync(new V1.ExportEntriesRequest());
        Assert.Contains($"\"id\": \"{first}\"", exported.Json, StringComparison.Ordinal);
        Assert.DoesNotContain(second, exported.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_import_names_the_entry_and_field_and_writes_nothing()
    {
        var id = NewId("kb-bad");
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await Engine.Knowledge.ImportEntriesAsync(new V1.ImportEntriesRequest
        {
            Json = $$"""{ "format": "engine.knowledge/1", "entries": [ { "id": "{{id}}", "question": "q", "answer": "a" }, { "id": "x", "question": "", "answer": "a" } ] }""",
        }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("json.entries[1].question", bad.Status.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RpcException>(async () => await Engine.Knowledge.GetEntryAsync(new V1.GetEntryRequest { EntryId = id }));
    }

    [Fact]
    public async Task A_search_finds_the_entries_of_the_asking_court_and_its_ancestors_effective_today_of_its_kind()
    {
        var marker = "蓝鲸" + Guid.NewGuid().ToString("N")[..4];
        var general = NewId();
        var pudong = NewId();
        var high = NewId();
        var huangpu = NewId();
        var expired = NewId();
        var complaint = NewId();
        await Create(general, Content($"{marker}调解怎么申请？", "可以到诉讼服务中心申请调解。"));
        await Create(pudong, Content($"{marker}调解怎么申请？浦东", "到浦东法院诉讼服务中心。", "sh-pudong"));
        await Create(high, Content($"{marker}调解怎么申请？上海", "上海法院的规定。", "sh-high"));
        await Create(huangpu, Content($"{marker}调解怎么申请？黄浦", "到黄浦法院。", "sh-huangpu"));
        var old = Content($"{marker}调解怎么申请？旧", "旧的规定。");
        old.EffectiveTo = "2020-12-31";
        await Create(expired, old);
        await Create(complaint, Content($"{marker}调解怎么申请？建议", "建议类。", null, V1.TicketKind.Suggestion));

        // Other tests' entries may match too: only this test's are looked at.
        string[] mine = [general, pudong, high, huangpu, expired, complaint];
        var fromPudong = (await Search($"{marker}调解怎么申请", "sh-pudong", V1.TicketKind.Consultation)).Where(mine.Contains);
        Assert.Equal(new[] { general, pudong, high }.Order(StringComparer.Ordinal), fromPudong.Order(StringComparer.Ordinal));

        var everyCourt = (await Search($"{marker}调解怎么申请", string.Empty, V1.TicketKind.Unspecified)).Where(mine.Contains);
        Assert.Equal(new[] { general, complaint }.Order(StringComparer.Ordinal), everyCourt.Order(StringComparer.Ordinal));

        await Engine.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = general, ExpectedVersion = 1 });
        Assert.DoesNotContain(general, await Search($"{marker}调解怎么申请", "sh-pudong", V1.TicketKind.Consultation));
    }

    [Fact]
    public async Task Lists_are_paged_in_id_order_and_filtered_by_court_kind_tag_and_retirement()
    {
        var tag = "标签" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 5).Select(_ => NewId("kb-list")).ToArray();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var content = Content("保全怎么申请？" + i, "答案。", i % 2 == 0 ? "sh-pudong" : null, i == 4 ? V1.TicketKind.Suggestion : V1.TicketKind.Consultation);
            content.Tags.Add(tag);
            await Create(id, content);
        }

        await Engine.Knowledge.RetireEntryAsync(new V1.RetireEntryRequest { EntryId = ids[1], ExpectedVersion = 1 });

        var seen = new List<string>();
        var request = new V1.ListEntriesRequest { Tag = tag, PageSize = 2 };
        do
        {
            var page = await Engine.Knowledge.ListEntriesAsync(request);
            seen.AddRange(page.Entries.Select(e => e.EntryId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        Assert.Equal(new[] { ids[0], ids[2], ids[3], ids[4] }.Order(StringComparer.Ordinal), seen);

        var pudong = await Engine.Knowledge.ListEntriesAsync(new V1.ListEntriesRequest { Tag = tag, CourtId = "sh-pudong", Kind = V1.TicketKind.Consultation });
        Assert.Equal(new[] { ids[0], ids[2] }.Order(StringComparer.Ordinal), pudong.Entries.Select(e => e.EntryId));
        var retired = await Engine.Knowledge.ListEntriesAsync(new V1.ListEntriesRequest { Tag = tag, Retired = V1.RetiredFilter.Only });
        Assert.Equal([ids[1]], retired.Entries.Select(e => e.EntryId));

        var wrongToken = await Assert.ThrowsAsync<RpcException>(async () => await Engine.Knowledge.ListEntriesAsync(new V1.ListEntriesRequest { Tag = "其他", PageToken = request.PageToken.Length > 0 ? request.PageToken : "bm90LWEtdG9rZW4" }));
        Assert.Equal(StatusCode.InvalidArgument, wrongToken.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_name_the_field()
    {
        var noQuestion = await Assert.ThrowsAsync<RpcException>(async () =>
            await Engine.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest { EntryId = NewId(), Content = Content(" ", "a") }));
        Assert.Equal(StatusCode.InvalidArgument, noQuestion.StatusCode);
        Assert.Contains("content.question", noQuestion.Status.Detail, StringComparison.Ordinal);

        var badDates = Content("q", "a");
        badDates.EffectiveFrom = "2027-02-01";
        badDates.EffectiveTo = "2027-01-01";
        var dates = await Assert.ThrowsAsync<RpcException>(async () => await Engine.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest { EntryId = NewId(), Content = badDates }));
        Assert.Contains("content.effective_to", dates.Status.Detail, StringComparison.Ordinal);

        var noVersion = await Assert.ThrowsAsync<RpcException>(async () =>
            await Engine.Knowledge.UpdateEntryAsync(new V1.UpdateEntryRequest { EntryId = NewId(), Content = Content("q", "a") }));
        Assert.Contains("expected_version", noVersion.Status.Detail, StringComparison.Ordinal);

        var id = NewId();
        await Create(id, Content("q", "a"));
        var twice = await Assert.ThrowsAsync<RpcException>(async () => await Create(id, Content("q", "a")));
        Assert.Equal(StatusCode.AlreadyExists, twice.StatusCode);
    }

    [Fact]
    public async Task A_consultation_comes_back_with_suggestions_and_an_answer_on_the_spot_records_the_entry_it_cites()
    {
        var marker = "白鹭" + Guid.NewGuid().ToString("N")[..4];
        var id = NewId();
        await Create(id, Content($"{marker}诉讼服务密码忘了怎么办？", "到诉讼服务中心或拨打12368重置。", "sh-pudong", V1.TicketKind.Consultation, V1.TicketKind.CaseInquiry));
        await Engine.Knowledge.UpdateEntryAsync(new V1.UpdateEntryRequest
        {
            EntryId = id, ExpectedVersion = 1,
            Content = Content($"{marker}诉讼服务密码忘了怎么办？", "到诉讼服务中心或拨打12368重置密码。", "sh-pudong", V1.TicketKind.Consultation, V1.TicketKind.CaseInquiry),
        });

        using var stream = new V1.EventService.EventServiceClient(Engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { EventTypes = { "ticket.answered_on_spot" } },
        });
        var request = Requests.ContactJudge(string.Empty);
        request.Kind = V1.TicketKind.Consultation;
        request.SubKind = V1.TicketSubKind.ConsultationProcedure;
        request.CourtId = "sh-pudong";
        request.Content = $"{marker}我的诉讼服务密码忘了，怎么办？";
        var submitted = await Engine.Intake.SubmitTicketAsync(request);
        Assert.InRange(submitted.Suggestions.Count, 1, 3);
        Assert.Equal(id, submitted.Suggestions[0].Entry.EntryId);

        var never = await Assert.ThrowsAsync<RpcException>(async () => await Engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest
        {
            TicketId = submitted.Ticket.TicketId, StaffId = "staff-1", Answer = "请重置密码。", KnowledgeEntryId = id, KnowledgeEntryVersion = 3,
        }));
        Assert.Equal(StatusCode.NotFound, never.StatusCode);
        var half = await Assert.ThrowsAsync<RpcException>(async () => await Engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest
        {
            TicketId = submitted.Ticket.TicketId, StaffId = "staff-1", Answer = "请重置密码。", KnowledgeEntryId = id,
        }));
        Assert.Contains("knowledge_entry_version", half.Status.Detail, StringComparison.Ordinal);

        // Version 1 was replaced, but it existed: an answer given from it may still cite it.
        var answered = (await Engine.Tickets.AnswerOnSpotAsync(new V1.AnswerOnSpotRequest
        {
            TicketId = submitted.Ticket.TicketId, StaffId = "staff-1", Answer = "请重置密码。", KnowledgeEntryId = id, KnowledgeEntryVersion = 1,
        })).Ticket;
        Assert.Contains(answered.History, h => h.Action == "answered-on-spot" && h.Reason == $"knowledge entry {id} version 1");
        var events = await EventStreams.ReadEventsAsync(stream, e => e.Any(x => x.AggregateId == submitted.Ticket.TicketId));
        var payload = events.Single(e => e.AggregateId == submitted.Ticket.TicketId).Payload.Unpack<V1.TicketAnsweredOnSpot>();
        Assert.Equal((id, 1), (payload.KnowledgeEntryId, payload.KnowledgeEntryVersion));
    }

    [Fact]
    public async Task A_self_service_search_gives_a_search_id_that_a_ticket_opened_anyway_carries()
    {
        var marker = "海豚" + Guid.NewGuid().ToString("N")[..4];
        await Create(NewId(), Content($"{marker}网上怎么交诉讼费？", "登录诉讼服务网缴费。"));
        var found = await Engine.Knowledge.PublicSearchAsync(new V1.PublicSearchRequest { Text = $"{marker}诉讼费网上怎么交", Channel = V1.Channel.Web });
        Assert.NotEmpty(found.Answers);
        Assert.StartsWith("ks-", found.SearchId, StringComparison.Ordinal);

        var request = Requests.ContactJudge(string.Empty);
        request.Kind = V1.TicketKind.Consultation;
        request.SubKind = V1.TicketSubKind.ConsultationProcedure;
        request.CourtId = "sh-pudong";
        request.Channel = V1.Channel.Web;
        request.KnowledgeSearchId = found.SearchId;
        Assert.NotNull((await Engine.Intake.SubmitTicketAsync(request)).Ticket);

        request.IdempotencyKey = Guid.NewGuid().ToString("N");
        request.KnowledgeSearchId = "not-a-search";
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await Engine.Intake.SubmitTicketAsync(request));
        Assert.Contains("knowledge_search_id", bad.Status.Detail, StringComparison.Ordinal);
    }

    private async Task Create(string id, V1.KnowledgeContent content) =>
        await Engine.Knowledge.CreateEntryAsync(new V1.CreateEntryRequest { EntryId = id, Content = content });

    private async Task<List<string>> Search(string text, string court, V1.TicketKind kind) =>
        [.. (await Engine.Knowledge.SearchKnowledgeAsync(new V1.SearchKnowledgeRequest { Text = text, CourtId = court, Kind = kind, Top = 20 })).Hits
            .Select(h => h.Entry.EntryId)];
}
