using System.Text.Json.Nodes;
using Engine.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>
/// Importing the directory is a merge (README, "Re-importing the directory"): what the file leaves out stays as
/// stored, a property given as null clears, a person's availability is never the file's, and a file that says nothing
/// new writes nothing: no grain state, no locator row, no event. Each test imports its starting file itself, so the
/// order the tests run in does not matter.
/// </summary>
public sealed class DirectoryImportTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private readonly EngineInstance _engine = shared.Instance;

    [Fact]
    public async Task Re_importing_an_unchanged_file_stores_nothing_and_appends_no_event()
    {
        await ImportAsync(SampleDirectory.Json);
        var stored = EngineDatabase.StoredState(_engine.DataDirectory);
        var versions = CourtVersions();

        // The locator has no version to compare: any write to it fails the import while these triggers stand.
        EngineDatabase.Execute(_engine.DataDirectory, """
            CREATE TRIGGER test_locator_insert BEFORE INSERT ON judge_courts BEGIN SELECT RAISE(ABORT, 'the import wrote the locator'); END;
            CREATE TRIGGER test_locator_update BEFORE UPDATE ON judge_courts BEGIN SELECT RAISE(ABORT, 'the import wrote the locator'); END;
            """);
        try
        {
            await ImportAsync(SampleDirectory.Json);
        }
        finally
        {
            EngineDatabase.Execute(_engine.DataDirectory, "DROP TRIGGER test_locator_insert; DROP TRIGGER test_locator_update;");
        }

        Assert.Equal(versions, CourtVersions());
        Assert.Equal(stored, EngineDatabase.StoredState(_engine.DataDirectory));
    }

    [Fact]
    public async Task A_changed_division_appends_one_division_upserted_event_and_nothing_else()
    {
        const string Court = "sh-jinshan";
        await ImportAsync(SampleDirectory.Json);
        var head = EventsHead();
        var file = Sample();
        Division(file, Court, "civil-2")["name"] = "民事审判第二庭（家事）";

        await ImportAsync(file.ToJsonString());

        Assert.Equal(1, EngineDatabase.Scalar(_engine.DataDirectory, $"SELECT COUNT(*) FROM events WHERE sequence > {head}"));
        var appended = (await ReadEventsAsync(head, 1)).Single();
        Assert.Equal(("directory.division_upserted", Court), (appended.EventType, appended.CourtId));
        var division = appended.Payload.Unpack<V1.DirectoryDivisionUpserted>().Division;
        Assert.Equal(("civil-2", "民事审判第二庭（家事）"), (division.DivisionId, division.Name));
        Assert.Equal(SampleDirectory.HeadId(Court, "civil-2"), division.HeadJudgeId);
    }

    [Fact]
    public async Task A_property_given_as_null_is_cleared_and_one_left_out_is_kept()
    {
        const string Court = "sh-songjiang";
        await ImportAsync(SampleDirectory.Json);
        var file = Sample();
        var civil = Division(file, Court, "civil-1");
        civil["head"] = null;
        civil.Remove("vicePresident");
        var judge = Judges(file).Single(j => (string)j!["id"]! == SampleDirectory.JudgeId(Court, "civil-1", 1))!.AsObject();
        judge["division"] = null;
        judge.Remove("role");

        await ImportAsync(file.ToJsonString());

        var court = await GetCourtAsync(Court);
        var division = court.Divisions.Single(d => d.DivisionId == "civil-1");
        Assert.Equal(("", SampleDirectory.VicePresidentId(Court)), (division.HeadJudgeId, division.VicePresidentId));
        var person = court.Judges.Single(j => j.JudgeId == SampleDirectory.JudgeId(Court, "civil-1", 1));
        Assert.Equal(("", V1.JudgeRole.Judge), (person.DivisionId, person.Role));
        Assert.Equal("上海市松江区人民法院", court.Court.Name);
        Assert.Equal(("松江", V1.CourtLevel.Basic, "sh-1st-int"), (court.Court.ShortName, court.Court.Level, court.Court.ParentCourtId));
    }

    [Fact]
    public async Task A_judge_on_leave_stays_on_leave_after_a_re_import()
    {
        const string Court = "sh-xuhui";
        var judge = SampleDirectory.JudgeId(Court, "civil-2", 1);
        await ImportAsync(SampleDirectory.Json);
        var leave = new V1.Availability
        {
            LeaveFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            LeaveTo = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(10)),
            DelegateJudgeId = SampleDirectory.JudgeId(Court, "civil-2", 2),
        };
        await _engine.Directory.SetAvailabilityAsync(new V1.SetAvailabilityRequest { JudgeId = judge, Availability = leave });

        await ImportAsync(SampleDirectory.Json);

        var person = (await GetCourtAsync(Court)).Judges.Single(j => j.JudgeId == judge);
        Assert.Equal(leave, person.Availability);
    }

    [Fact]
    public async Task The_structured_request_merges_as_the_file_does()
    {
        const string Court = "sh-fengxian";
        var head = SampleDirectory.HeadId(Court, "civil-1");
        await ImportAsync(SampleDirectory.Json);
        var events = EventsHead();

        // A bare court entry, one division that clears its vice-president, a person with no division or role.
        var court = new V1.ImportCourt { Id = Court, Name = "上海市奉贤区人民法院" };
        court.Divisions.Add(new V1.ImportDivision { DivisionId = "civil-1", Name = "民事审判第一庭", Role = V1.DivisionRole.Trial, VicePresidentId = "" });
        await _engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest
        {
            Courts = { court },
            Judges = { new V1.ImportJudge { JudgeId = head, Name = "法官 " + head, CourtId = Court } },
        });

        var stored = await GetCourtAsync(Court);
        Assert.Equal(("奉贤", V1.CourtLevel.Basic, "sh-1st-int"), (stored.Court.ShortName, stored.Court.Level, stored.Court.ParentCourtId));
        var division = stored.Divisions.Single(d => d.DivisionId == "civil-1");
        Assert.Equal((head, ""), (division.HeadJudgeId, division.VicePresidentId));
        var person = stored.Judges.Single(j => j.JudgeId == head);
        Assert.Equal(("civil-1", V1.JudgeRole.DivisionHead), (person.DivisionId, person.Role));
        Assert.Equal(8, stored.Divisions.Count);
        Assert.Equal(["directory.division_upserted"], (await ReadEventsAsync(events, 1)).Select(e => e.EventType));
        Assert.Equal(1, EngineDatabase.Scalar(_engine.DataDirectory, $"SELECT COUNT(*) FROM events WHERE sequence > {events}"));
    }

    [Fact]
    public async Task People_of_a_court_the_file_does_not_list_are_merged_the_same_way()
    {
        const string Court = "sh-jiading";
        var judge = SampleDirectory.JudgeId(Court, "criminal", 2);
        await ImportAsync(SampleDirectory.Json);
        var request = new V1.ImportDirectoryRequest { Judges = { new V1.ImportJudge { JudgeId = judge, Name = "法官 " + judge, CourtId = Court } } };
        var stored = EngineDatabase.StoredState(_engine.DataDirectory);

        await _engine.Directory.ImportDirectoryAsync(request);
        Assert.Equal(stored, EngineDatabase.StoredState(_engine.DataDirectory));
        var events = EventsHead();
        request.Judges[0].Role = V1.JudgeRole.Assistant;
        await _engine.Directory.ImportDirectoryAsync(request);

        var appended = (await ReadEventsAsync(events, 1)).Single();
        Assert.Equal("directory.judge_upserted", appended.EventType);
        var person = appended.Payload.Unpack<V1.DirectoryJudgeUpserted>().Judge;
        Assert.Equal((judge, "criminal", V1.JudgeRole.Assistant), (person.JudgeId, person.DivisionId, person.Role));
        Assert.Equal(1, EngineDatabase.Scalar(_engine.DataDirectory, $"SELECT COUNT(*) FROM events WHERE sequence > {events}"));
    }

    [Fact]
    public async Task A_head_and_vice_president_set_through_the_api_survive_restarts_that_import_the_file_and_get_the_supervision()
    {
        const string Court = "sh-pudong";
        // The sample people, in divisions whose head and vice-president the file does not say.
        var file = Sample();
        foreach (var division in file["courts"]!.AsArray().SelectMany(c => c!["divisions"]!.AsArray()))
        {
            division!.AsObject().Remove("head");
            division.AsObject().Remove("vicePresident");
        }

        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "courts.json");
        await File.WriteAllTextAsync(path, file.ToJsonString());
        await using var engine = await EngineInstance.StartAsync(null, [.. ContactJudgeDrill.Settings, "--import", path]);
        var (head, vicePresident) = (SampleDirectory.HeadId(Court, "civil-1"), SampleDirectory.VicePresidentId(Court));
        await engine.Directory.UpsertDivisionAsync(new V1.UpsertDivisionRequest
        {
            Division = new V1.Division
            {
                CourtId = Court, DivisionId = "civil-1", Name = "民事审判第一庭", Role = V1.DivisionRole.Trial, HeadJudgeId = head, VicePresidentId = vicePresident,
            },
        });

        await engine.RestartAsync();

        var caseNumber = SharedEngine.NewCaseNumber();
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        var ticket = (await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber))).Ticket;
        using var steps = new V1.EventService.EventServiceClient(engine.Channel).Subscribe(new V1.SubscribeRequest
        {
            Filter = new V1.EventFilter { CourtIds = { Court }, EventTypes = { "deadline.supervision" } },
        });
        var supervision = (await EventStreams.ReadEventsAsync(steps, e => e.Any(x => x.AggregateId == ticket.TicketId)))
            .Single(e => e.AggregateId == ticket.TicketId).Payload.Unpack<V1.DeadlineStepFired>();

        Assert.Equal(
            [(V1.RecipientRole.DivisionHead, head), (V1.RecipientRole.VicePresident, vicePresident)],
            supervision.Recipients.Select(r => (r.Role, r.Id)));
    }

    /// <summary>Issue "Hardening", point 9: the deadline load run submitted as soon as the engine said it had started,
    /// and got INVALID_ARGUMENT ("court … is not in the directory") for courts its start-up import had not reached yet.
    /// Every court of the file is there before the engine listens and says so.</summary>
    [Fact]
    public async Task A_directory_imported_at_start_is_in_place_before_the_engine_says_it_has_started()
    {
        using var data = new TempDirectory();
        var grpc = FreePorts.Next();
        using var engine = EngineProcess.Start([.. EngineProcess.Args(grpc, data.Path), "--import", SampleDirectory.Path]);
        await engine.WaitUntilStartedAsync(TimeSpan.FromSeconds(90));

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        var intake = new V1.IntakeService.IntakeServiceClient(channel);
        var courts = Sample()["courts"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).Reverse().ToList();
        var answers = await Task.WhenAll(courts.Select(async court =>
        {
            var request = Requests.ContactJudge(string.Empty);
            (request.Kind, request.SubKind, request.CourtId) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, court);
            try
            {
                await intake.SubmitTicketAsync(request);
                return null;
            }
            catch (Grpc.Core.RpcException ex)
            {
                return $"{court}: {ex.StatusCode} {ex.Status.Detail}";
            }
        }));

        Assert.Empty(answers.OfType<string>());
    }

    private static JsonObject Sample() => JsonNode.Parse(SampleDirectory.Json)!.AsObject();

    private static JsonObject Division(JsonObject file, string court, string division) =>
        file["courts"]!.AsArray().Single(c => (string)c!["id"]! == court)!["divisions"]!.AsArray()
            .Single(d => (string)d!["id"]! == division)!.AsObject();

    private static JsonArray Judges(JsonObject file) => file["judges"]!.AsArray();

    private async Task ImportAsync(string json) =>
        await _engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = json });

    private async Task<V1.GetCourtResponse> GetCourtAsync(string court) =>
        await _engine.Directory.GetCourtAsync(new V1.GetCourtRequest { CourtId = court });

    private long EventsHead() => EngineDatabase.Scalar(_engine.DataDirectory, "SELECT coalesce(max(sequence), 0) FROM events");

    /// <summary>Each court's grain state version, as one line.</summary>
    private string CourtVersions() => EngineDatabase.Text(_engine.DataDirectory, """
        SELECT group_concat(GrainIdExtensionString || '=' || Version, ' ')
        FROM (SELECT GrainIdExtensionString, Version FROM OrleansStorage WHERE GrainTypeString LIKE '%court%' ORDER BY GrainIdExtensionString)
        """);

    private async Task<List<V1.Event>> ReadEventsAsync(long after, int count)
    {
        using var call = new V1.EventService.EventServiceClient(_engine.Channel).Subscribe(new V1.SubscribeRequest { FromSequence = after });
        return await EventStreams.ReadEventsAsync(call, e => e.Count >= count);
    }
}
