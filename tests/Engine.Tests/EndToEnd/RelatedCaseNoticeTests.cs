using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>Issue 24, related-case notices: when a case gets a node of a configured type or changes court, every party
/// of every related case (listed either way, or sharing a party by identity number or phone) gets one
/// case.related_notice per cause, in the related case's court, with its phone masked for keys without the
/// personal-data scope; a restart sends none again.</summary>
public sealed class RelatedCaseNoticeTests
{
    private const string Pudong = "sh-pudong";
    private const string Jingan = "sh-jingan";
    private const string SharedPhone = "13800000101";
    private const string SharedId = "31011519800101123X";

    [Fact]
    public async Task Each_party_of_each_related_case_is_told_once_per_cause_and_others_are_not()
    {
        await using var engine = await EngineInstance.StartAsync(null, Keys.RequiredArg);
        var admin = engine.AdminKey();
        var cases = new V1.CaseService.CaseServiceClient(engine.As(admin));
        await new V1.DirectoryService.DirectoryServiceClient(engine.As(admin)).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var clear = await engine.CreateKeyAsync(V1.AccessRole.Subscriber, new V1.AccessScope { PersonalData = true });
        var masked = await engine.CreateKeyAsync(V1.AccessRole.Subscriber);

        var source = SharedEngine.NewCaseNumber("沪0115");
        var byPhone = SharedEngine.NewCaseNumber("沪0106");
        var byId = SharedEngine.NewCaseNumber("沪0115");
        var listed = SharedEngine.NewCaseNumber("沪0115");
        var listing = SharedEngine.NewCaseNumber("沪0106");
        var byLawyer = SharedEngine.NewCaseNumber("沪0115");
        var unrelated = SharedEngine.NewCaseNumber("沪0115");
        await UpsertAsync(cases, byPhone, Jingan, [Party("乙", SharedPhone), Party("丙", "13800000202")]);
        await UpsertAsync(cases, byId, Pudong, [Party("甲", "13800000303", SharedId)]);
        await UpsertAsync(cases, listed, Pudong, [Party("丁", "13800000404")]);
        await UpsertAsync(cases, listing, Jingan, [Party("戊", "13800000505")], related: [source]);
        await UpsertAsync(cases, byLawyer, Pudong, [Party("律师", "13800000909", role: V1.PartyRole.Lawyer), Party("己", "13800000606")]);
        await UpsertAsync(cases, unrelated, Pudong, [Party("庚", "13800000707")]);
        await UpsertAsync(cases, source, Pudong,
            [Party("甲", SharedPhone, SharedId), Party("律师", "13800000909", role: V1.PartyRole.Lawyer)], related: [listed]);

        await RecordAsync(cases, source, "HEARING_SCHEDULED", isPublic: true);
        await RecordAsync(cases, source, "FEE_PAID", isPublic: true);
        await RecordAsync(cases, source, "JUDGED", isPublic: false);
        await cases.MoveCaseAsync(new V1.MoveCaseRequest { CaseNumber = source, ToCourtId = "sh-1st-int", Reason = "上诉" });
        await RecordAsync(cases, unrelated, "HEARING_SCHEDULED", isPublic: true);

        var notices = await ReadUntilMarkerAsync(engine, clear, unrelated);
        // Hearing scheduled and the move, each to 乙 and 丙 (phone), 甲 (identity number), 丁 (listed by the source)
        // and 戊 (listing the source); never to a case sharing only a lawyer, nor for a fee, nor for a node not public.
        var expected = new[] { (byPhone, "乙"), (byPhone, "丙"), (byId, "甲"), (listed, "丁"), (listing, "戊") };
        foreach (var cause in new[] { V1.RelatedNoticeCause.Node, V1.RelatedNoticeCause.Moved })
        {
            Assert.Equal(
                expected.Order(),
                notices.Where(n => n.Cause == cause).Select(n => (n.CaseNumber, n.Party.Name)).Order());
        }

        Assert.Equal(notices.Count, notices.Select(n => n.NoticeKey).Distinct().Count());
        Assert.All(notices, n => Assert.Equal(source, n.SourceCaseNumber));
        var hearing = notices.Single(n => n.Cause == V1.RelatedNoticeCause.Node && n.CaseNumber == byPhone && n.Party.Name == "乙");
        Assert.Equal((V1.RelatedBy.SharedParty, "HEARING_SCHEDULED", "排期开庭", "node.hearing_scheduled", SharedPhone, Jingan),
            (hearing.RelatedBy, hearing.Node.NodeType, hearing.NodeName, hearing.TemplateKey, hearing.Party.Phone, hearing.CourtId));
        Assert.Equal(V1.RelatedBy.Listed, notices.First(n => n.CaseNumber == listing).RelatedBy);
        Assert.Equal("sh-1st-int", notices.First(n => n.Cause == V1.RelatedNoticeCause.Moved).MovedToCourtId);

        // Without the personal-data scope the phone and identity number are masked.
        var seenMasked = await ReadUntilMarkerAsync(engine, masked, unrelated);
        Assert.Equal(notices.Select(n => n.NoticeKey), seenMasked.Select(n => n.NoticeKey));
        var maskedId = seenMasked.First(n => n.CaseNumber == byId).Party;
        Assert.Equal(("138****0303", "310115********123X"), (maskedId.Phone, maskedId.IdNumber));

        // After a restart the log holds each notice once, and the cases, read again, send none again.
        await engine.RestartAsync();
        cases = new V1.CaseService.CaseServiceClient(engine.As(admin));
        await RecordAsync(cases, unrelated, "HEARING_HELD", isPublic: true);
        var afterRestart = await ReadUntilMarkerAsync(engine, clear, unrelated, markers: 2);
        Assert.Equal(notices.Select(n => n.NoticeKey), afterRestart.Select(n => n.NoticeKey));
    }

    /// <summary>The notices in the log up to the <paramref name="markers"/>-th node recorded on
    /// <paramref name="marker"/> (a case related to none), which was written after them.</summary>
    private static async Task<List<V1.CaseRelatedNotice>> ReadUntilMarkerAsync(EngineInstance engine, string key, string marker, int markers = 1)
    {
        using var call = new V1.EventService.EventServiceClient(engine.As(key)).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { EventTypes = { "case.related_notice", "case.node_recorded" } },
        });
        var events = await EventStreams.ReadEventsAsync(call, e => e.Count(x => x.EventType == "case.node_recorded" && x.AggregateId == marker) == markers);
        return [.. events.Where(e => e.EventType == "case.related_notice").Select(e => e.Payload.Unpack<V1.CaseRelatedNotice>())];
    }

    private static V1.Party Party(string name, string phone, string id = "", V1.PartyRole role = V1.PartyRole.Plaintiff) =>
        new() { Name = name, Phone = phone, IdNumber = id, Role = role };

    private static async Task UpsertAsync(V1.CaseService.CaseServiceClient cases, string number, string court, V1.Party[] parties, string[]? related = null)
    {
        var request = Requests.Case(number, court, "civil-1", null);
        request.Case.Parties.Clear();
        request.Case.Parties.AddRange(parties);
        request.Case.RelatedCases.AddRange(related ?? []);
        await cases.UpsertCaseAsync(request);
    }

    private static async Task RecordAsync(V1.CaseService.CaseServiceClient cases, string number, string type, bool isPublic) =>
        await cases.RecordNodeAsync(new V1.RecordNodeRequest
        {
            CaseNumber = number,
            Node = new V1.CaseNode { NodeType = type, At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Public = isPublic },
        });
}
