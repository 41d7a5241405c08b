using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.DomainTests;

/// <summary><see cref="DirectoryMerge"/> on a small court built by hand: what an import leaves out stays, what it
/// gives replaces (empty clears), availability is never imported, and only what differs is reported.</summary>
public sealed class DirectoryMergeTests
{
    private const string CourtId = "court-a";
    private const CourtFields FileCannotName = CourtFields.FilingDivisionId | CourtFields.ServiceOfficeId | CourtFields.SubPlatformId;
    private static readonly AvailabilityInfo OnLeave = new(
        new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(8)), "judge-2");

    private static readonly CourtInfo Court = new(CourtId, "测试法院", "测试", CourtLevel.Basic, "court-high", "filing", "office", null, 0.25);
    private static readonly DivisionInfo Filing = new(CourtId, "filing", "立案庭", DivisionRole.Filing, null, null);
    private static readonly DivisionInfo Office = new(CourtId, "office", "诉讼服务管理办公室", DivisionRole.ServiceOffice, null, null);
    private static readonly DivisionInfo Civil = new(CourtId, "civil", "民事庭", DivisionRole.Trial, "judge-head", "judge-vp");
    private static readonly JudgeInfo Judge = new("judge-1", "测试法官", CourtId, "civil", JudgeRole.Judge, OnLeave);
    private static readonly JudgeInfo Head = new("judge-head", "测试庭长", CourtId, "civil", JudgeRole.DivisionHead, AvailabilityInfo.Available);

    private static readonly Dictionary<string, DivisionInfo> Divisions = new[] { Filing, Office, Civil }.ToDictionary(d => d.DivisionId);
    private static readonly Dictionary<string, JudgeInfo> Judges = new[] { Judge, Head }.ToDictionary(j => j.JudgeId);

    [Fact]
    public void A_file_that_says_what_is_stored_changes_nothing()
    {
        var change = Merge(Part(FileEntry(Court, [Filing, Office, Civil]), [Judge with { Availability = AvailabilityInfo.Available }, Head]));

        Assert.True(change.IsEmpty);
    }

    [Fact]
    public void Fields_the_file_leaves_out_keep_their_stored_values()
    {
        // What a template division and a bare court entry give: no head, no short name, no level, no parent, no share.
        var bare = new CourtInfo(CourtId, "测试法院", null, CourtLevel.Unspecified, null, "filing", "office", null, 0);
        var entry = new CourtImport(bare, [Civil with { HeadJudgeId = null, VicePresidentId = null }],
            FileCannotName | CourtFields.ShortName | CourtFields.Level | CourtFields.ParentCourtId | CourtFields.HotlineShare,
            ImmutableDictionary<string, DivisionFields>.Empty.Add("civil", DivisionFields.HeadJudgeId | DivisionFields.VicePresidentId));

        var change = Merge(Part(entry, []));

        Assert.True(change.IsEmpty);
    }

    [Fact]
    public void A_field_the_file_gives_as_empty_is_cleared()
    {
        var entry = FileEntry(Court, [Civil with { HeadJudgeId = null }]) with
        {
            AbsentFromDivisions = ImmutableDictionary<string, DivisionFields>.Empty.Add("civil", DivisionFields.VicePresidentId),
        };

        var change = Merge(Part(entry, []));

        Assert.Null(change.Court);
        Assert.Equal<DivisionInfo>([Civil with { HeadJudgeId = null }], change.Divisions);
        Assert.Empty(change.Judges);
    }

    [Fact]
    public void Only_what_differs_is_reported_as_it_is_after_the_merge()
    {
        var renamed = Civil with { Name = "民事审判第一庭", HeadJudgeId = null };
        var entry = FileEntry(Court with { HotlineShare = 0.5 }, [Filing, renamed]) with
        {
            AbsentFromDivisions = ImmutableDictionary<string, DivisionFields>.Empty.Add("civil", DivisionFields.HeadJudgeId),
        };

        var change = Merge(Part(entry, [Head]));

        Assert.False(change.CourtIsNew);
        Assert.Equal(Court with { HotlineShare = 0.5 }, change.Court);
        Assert.Equal<DivisionInfo>([Civil with { Name = "民事审判第一庭" }], change.Divisions);
        Assert.Empty(change.Judges);
    }

    [Fact]
    public void A_court_new_to_the_directory_comes_with_all_it_was_imported_with()
    {
        var newcomer = new JudgeInfo("judge-9", "新法官", CourtId, "civil", JudgeRole.Unspecified, AvailabilityInfo.Available);

        var change = DirectoryMerge.Merge(null, new Dictionary<string, DivisionInfo>(), new Dictionary<string, JudgeInfo>(),
            Part(FileEntry(Court, [Filing, Civil]), [newcomer], JudgeFields.Role));

        Assert.True(change.CourtIsNew);
        Assert.Equal(Court, change.Court);
        Assert.Equal<DivisionInfo>([Filing, Civil], change.Divisions);
        Assert.Equal<JudgeInfo>([newcomer with { Role = JudgeRole.Judge }], change.Judges);
    }

    [Fact]
    public void A_person_keeps_their_availability_and_what_the_file_leaves_out()
    {
        var inFile = new JudgeInfo(Head.JudgeId, "测试庭长（改名）", CourtId, null, JudgeRole.Unspecified, AvailabilityInfo.Available);
        var onLeave = Head with { Availability = OnLeave };
        var judges = new Dictionary<string, JudgeInfo> { [onLeave.JudgeId] = onLeave };

        var change = DirectoryMerge.Merge(Court, Divisions, judges, Part(null, [inFile], JudgeFields.DivisionId | JudgeFields.Role));

        Assert.Equal<JudgeInfo>([onLeave with { Name = "测试庭长（改名）" }], change.Judges);
    }

    [Fact]
    public void A_new_person_is_available_and_a_judge_unless_the_file_says_otherwise()
    {
        var merged = DirectoryMerge.Merge(null, new JudgeInfo("judge-9", "新法官", CourtId, null, JudgeRole.Unspecified, OnLeave), JudgeFields.Role | JudgeFields.DivisionId);
        var cleared = DirectoryMerge.Merge(Head, Head with { Role = JudgeRole.Unspecified, DivisionId = null }, JudgeFields.None);

        Assert.Equal(new JudgeInfo("judge-9", "新法官", CourtId, null, JudgeRole.Judge, AvailabilityInfo.Available), merged);
        Assert.Equal(Head with { Role = JudgeRole.Judge, DivisionId = null }, cleared);
    }

    [Fact]
    public void The_filing_division_and_service_office_stay_as_stored_and_come_from_the_divisions_only_when_none_is()
    {
        var stored = Court with { FilingDivisionId = "filing-2", ServiceOfficeId = null, SubPlatformId = "court-a/queue" };
        var entry = FileEntry(Court with { FilingDivisionId = "filing", ServiceOfficeId = "office", SubPlatformId = null }, []);

        var merged = DirectoryMerge.Merge(stored, entry);

        Assert.Equal(stored with { ServiceOfficeId = "office" }, merged);
    }

    [Fact]
    public void An_import_from_an_earlier_build_names_nothing_absent_and_replaces_what_it_gives()
    {
        var merged = DirectoryMerge.Merge(Court, new CourtImport(Court with { ShortName = null, ParentCourtId = null }, []));

        Assert.Equal(Court with { ShortName = null, ParentCourtId = null }, merged);
    }

    [Fact]
    public void A_person_whose_division_the_court_does_not_have_is_refused()
    {
        var stray = Judge with { DivisionId = "no-such-division" };

        var refused = Assert.Throws<EngineException>(() => Merge(Part(null, [stray])));

        Assert.Equal(EngineErrorKind.InvalidArgument, refused.Kind);
        Assert.Equal("judges.division_id", refused.Field);
    }

    [Fact]
    public void People_of_a_court_the_directory_does_not_have_are_refused()
    {
        var refused = Assert.Throws<EngineException>(() =>
            DirectoryMerge.Merge(null, new Dictionary<string, DivisionInfo>(), new Dictionary<string, JudgeInfo>(), Part(null, [Judge])));

        Assert.Equal(EngineErrorKind.NotFound, refused.Kind);
    }

    [Fact]
    public void An_import_splits_into_one_part_per_court_with_the_people_and_what_they_leave_out()
    {
        var elsewhere = new JudgeInfo("judge-b", "外院法官", "court-b", null, JudgeRole.Judge, AvailabilityInfo.Available);
        var import = new DirectoryImport([FileEntry(Court, [Civil])], [Judge, elsewhere],
            ImmutableDictionary<string, JudgeFields>.Empty.Add("judge-1", JudgeFields.Role).Add("judge-b", JudgeFields.DivisionId));

        var parts = import.ByCourt().ToDictionary(p => p.CourtId, p => p.Part);

        Assert.Equal([CourtId, "court-b"], parts.Keys);
        Assert.Equal<JudgeInfo>([Judge], parts[CourtId].Judges);
        Assert.Single(parts[CourtId].Courts);
        Assert.Equal(JudgeFields.Role, parts[CourtId].AbsentFrom(Judge));
        Assert.Empty(parts["court-b"].Courts);
        Assert.Equal(JudgeFields.DivisionId, parts["court-b"].AbsentFrom(elsewhere));
        Assert.Equal(JudgeFields.None, parts["court-b"].AbsentFrom(Judge));
    }

    private static DirectoryChange Merge(DirectoryImport part) => DirectoryMerge.Merge(Court, Divisions, Judges, part);

    /// <summary>A court entry as a file gives it: everything but what a file cannot name.</summary>
    private static CourtImport FileEntry(CourtInfo court, ImmutableArray<DivisionInfo> divisions) =>
        new(court, divisions, FileCannotName, ImmutableDictionary<string, DivisionFields>.Empty);

    private static DirectoryImport Part(CourtImport? entry, ImmutableArray<JudgeInfo> judges, JudgeFields absent = JudgeFields.None) =>
        new(entry is null ? [] : [entry], judges, judges.ToImmutableDictionary(j => j.JudgeId, _ => absent));
}
