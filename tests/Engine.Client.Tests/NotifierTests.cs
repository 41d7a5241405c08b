using System.Diagnostics;
using System.Reflection;
using System.Text;
using Engine.Client.Tests.Support;
using Engine.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Notifier;

namespace Engine.Client.Tests;

/// <summary>Issue 24, the reference notifier (samples/Notifier): events become messages from templates, and each
/// message is written to the outbox once, though the notifier process is killed (SIGKILL) in the middle of its run and
/// started again.</summary>
public sealed class NotifierTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_notifier_killed_mid_run_and_started_again_writes_every_message_exactly_once()
    {
        await using var engine = await EngineServer.StartAsync();
        using var client = new EngineClient(engine.ClientOptions());
        var outbox = Path.Combine(engine.DataDirectory, "notifier-outbox.db");
        var expected = new List<(string Phone, string Template)>();
        var cases = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var number = $"(2026)沪0115民初{8100 + i}号";
            cases.Add(number);
            await UpsertAsync(client, number, [Party("原告" + i, $"1390000{i:D4}"), Party("被告" + i, $"1370000{i:D4}")]);
        }

        // A related case: told of the hearing on the first case.
        await UpsertAsync(client, "(2026)沪0115民初8199号", [Party("第三人", "13600000001")], related: cases[0]);
        for (var i = 0; i < cases.Count; i++)
        {
            await RecordAsync(client, cases[i], "HEARING_SCHEDULED", isPublic: true);
            expected.Add(($"1390000{i:D4}", "node.hearing_scheduled"));
            expected.Add(($"1370000{i:D4}", "node.hearing_scheduled"));
            await RecordAsync(client, cases[i], "PANEL_DELIBERATED", isPublic: false);
        }

        expected.Add(("13600000001", "related.node"));

        await using (var first = NotifierProcess.Start(engine.Address, outbox, pauseMs: 150))
        {
            await WaitAsync(() => Count(outbox) >= 4, first);
            first.Kill();
        }

        Assert.InRange(Count(outbox), 4, expected.Count - 1);
        await using var second = NotifierProcess.Start(engine.Address, outbox, pauseMs: 0);
        await WaitAsync(() => Count(outbox) >= expected.Count, second);

        // A marker after everything: once its message is in, every earlier event has been handled by the second run.
        await UpsertAsync(client, "(2026)沪0115民初8200号", [Party("标记", "13500000001")]);
        await RecordAsync(client, "(2026)沪0115民初8200号", "FILED", isPublic: true);
        expected.Add(("13500000001", "node.filed"));
        await WaitAsync(() => Read(outbox).Any(m => m.Recipient == "13500000001"), second);

        var written = Read(outbox);
        Assert.Equal(expected.Order(), written.Select(m => (m.Recipient, m.Template)).Order());
        Assert.Equal(written.Count, written.Select(m => (m.Sequence, m.Part)).Distinct().Count());
        var hearing = written.Single(m => m.Recipient == "13900000003");
        Assert.Equal("【上海法院】原告3您好：您的案件(2026)沪0115民初8103号已排期开庭：第一法庭。请按时到庭。", hearing.Body);
        Assert.Contains("(2026)沪0115民初8100号", written.Single(m => m.Template == "related.node").Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_goes_to_the_caller_and_an_event_type_without_a_template_or_payload_class_makes_nothing()
    {
        var messages = new Messages(new Dictionary<string, string>
        {
            ["ticket.replied"] = "工单{header.ticketId}已答复：{reply}",
            ["caller.code_issued"] = "验证码{code}",
        });
        var replied = new Event
        {
            Sequence = 41,
            EventType = Messages.TicketReplied,
            Payload = Any.Pack(new TicketReplied { Reply = "已转承办法官", Header = new TicketHeader { TicketId = "T-1" } }),
        };
        var asked = new List<string>();

        var made = Assert.Single(await messages.MakeAsync(replied, id =>
        {
            asked.Add(id);
            return Task.FromResult<string?>("13800000001");
        }));

        Assert.Equal(["T-1"], asked);
        Assert.Equal(new OutgoingMessage(41, 0, "ticket.replied", "13800000001", "ticket.replied", "工单T-1已答复：已转承办法官"), made);
        var unknown = new Event { Sequence = 42, EventType = Messages.CodeIssued, Payload = new Any { TypeUrl = "type.googleapis.com/engine.v1.NotInThisContract" } };
        Assert.Empty(await messages.MakeAsync(unknown, _ => Task.FromResult<string?>(null)));
        var other = new Event { Sequence = 43, EventType = "ticket.closed", Payload = Any.Pack(new TicketClosed()) };
        Assert.Empty(await messages.MakeAsync(other, _ => Task.FromResult<string?>(null)));
    }

    [Fact]
    public async Task A_hearing_reminder_goes_to_the_party_it_names_with_the_court_time_and_place_and_without_a_place_says_none()
    {
        var messages = Messages.Load(Path.Combine(Path.GetDirectoryName(typeof(Messages).Assembly.Location)!, "templates.json"));
        var reminder = new CaseHearingReminder
        {
            CaseNumber = "(2026)沪0115民初8300号", CourtId = "sh-pudong", CourtName = "上海市浦东新区人民法院",
            HearingAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 10, 8, 2, 0, 0, TimeSpan.Zero)), HearingLocalTime = "2026-10-08 10:00",
            Place = "第三法庭", Party = new Party { Name = "代理人甲", Role = PartyRole.Agent, Phone = "13900000077" },
            ReminderKey = "(2026)沪0115民初8300号||1791425600000|1",
        };
        var e = new Event { Sequence = 50, EventType = Messages.HearingReminder, Payload = Any.Pack(reminder) };

        var made = Assert.Single(await messages.MakeAsync(e, _ => Task.FromResult<string?>(null)));
        Assert.Equal(new OutgoingMessage(50, 0, "case.hearing_reminder", "13900000077", "case.hearing_reminder",
            "【上海市浦东新区人民法院】代理人甲您好：您的案件(2026)沪0115民初8300号定于2026-10-08 10:00在第三法庭开庭，请携带身份证件按时到庭。"), made);

        reminder.Place = string.Empty;
        var noPlace = Assert.Single(await messages.MakeAsync(new Event { Sequence = 51, EventType = Messages.HearingReminder, Payload = Any.Pack(reminder) }, _ => Task.FromResult<string?>(null)));
        Assert.Equal("【上海市浦东新区人民法院】代理人甲您好：您的案件(2026)沪0115民初8300号定于2026-10-08 10:00开庭，请携带身份证件按时到庭。", noPlace.Body);
    }

    private static Party Party(string name, string phone) => new() { Name = name, Phone = phone, Role = PartyRole.Plaintiff };

    private static async Task UpsertAsync(EngineClient client, string number, Party[] parties, string? related = null)
    {
        var c = new Case { CaseNumber = number, CourtId = "sh-pudong", DivisionId = "civil-1" };
        c.Parties.AddRange(parties);
        if (related is not null)
        {
            c.RelatedCases.Add(related);
        }

        await client.Cases.UpsertCaseAsync(new UpsertCaseRequest { Case = c });
    }

    private static async Task RecordAsync(EngineClient client, string number, string type, bool isPublic) =>
        await client.Cases.RecordNodeAsync(new RecordNodeRequest
        {
            CaseNumber = number,
            Node = new CaseNode { NodeType = type, At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Detail = "第一法庭", Public = isPublic },
        });

    private static int Count(string outbox) => File.Exists(outbox) ? Read(outbox).Count : 0;

    private static List<OutgoingMessage> Read(string outbox)
    {
        using var connection = new SqliteConnection($"Data Source={outbox};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, part, event_type, recipient, template, body FROM messages ORDER BY sequence, part;";
        try
        {
            using var reader = command.ExecuteReader();
            var messages = new List<OutgoingMessage>();
            while (reader.Read())
            {
                messages.Add(new OutgoingMessage(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }

            return messages;
        }
        catch (SqliteException)
        {
            // The notifier has not made its table yet.
            return [];
        }
    }

    /// <summary>Polls until <paramref name="done"/> (a wait for something to happen, never for something not to).</summary>
    private static async Task WaitAsync(Func<bool> done, NotifierProcess notifier)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < Patience, $"the notifier did not get there within {Patience}:\n{notifier.Output}");
            Assert.False(notifier.HasExited, $"the notifier exited:\n{notifier.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>The notifier as a child process (dotnet Notifier.dll), killed hard on dispose.</summary>
    private sealed class NotifierProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private NotifierProcess(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static NotifierProcess Start(string target, string outbox, int pauseMs)
        {
            var dll = typeof(NotifierTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Notifier").Value!;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { dll, "--target", target, "--outbox", outbox, "--subscription", "sms-notifier", "--pause-ms", pauseMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }

            var notifier = new NotifierProcess(new Process { StartInfo = start });
            void Collect(object sender, DataReceivedEventArgs e)
            {
                lock (notifier._output)
                {
                    notifier._output.AppendLine(e.Data);
                }
            }

            notifier._process.OutputDataReceived += Collect;
            notifier._process.ErrorDataReceived += Collect;
            notifier._process.Start();
            notifier._process.BeginOutputReadLine();
            notifier._process.BeginErrorReadLine();
            return notifier;
        }

        /// <summary>SIGKILL: no shutdown, as a crash.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
