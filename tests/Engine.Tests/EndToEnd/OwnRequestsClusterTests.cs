using Engine.Tests.Support;
using Npgsql;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>A caller's own tickets (decision 58) on two silos sharing one PostgreSQL database: a code asked for through
/// one silo is redeemed through the other, once; wrong codes tried through either lock the phone for both; a case's
/// service password finds its tickets whichever silo answers.</summary>
[Collection(nameof(Engine.Tests.Cluster.OneClusterAtATime))]
public sealed class OwnRequestsClusterTests
{
    private const string Password = "test-password-1";

    [Fact]
    public async Task A_code_asked_for_through_one_silo_is_redeemed_once_through_the_other_and_wrong_codes_lock_the_phone_on_both()
    {
        var connection = PostgresServer.Shared.CreateDatabase();
        // No wait between codes, so that a code refused below is refused for the lock alone.
        string[] cluster = ["--storage", "postgres", "--connection", connection, "--cluster-id", "own-" + Guid.NewGuid().ToString("N")[..8],
            "--Engine:Tickets:LookupCodeResendInterval=00:00:00"];
        await using var first = await EngineInstance.StartAsync(null, cluster);
        await using var second = await EngineInstance.StartAsync(null, cluster);
        await first.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        var (caseNumber, older, newer) = await OwnRequestsTests.TwoTicketsAsync(first);

        // By the case's password, through the silo that did not take the tickets.
        var byPassword = await second.Cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest
        {
            Phone = Requests.FakePhone, CasePassword = new V1.CasePasswordProof { CaseNumber = caseNumber, ServicePassword = Password },
        });
        Assert.Equal([newer.TicketId, older.TicketId], byPassword.Tickets.Select(t => t.TicketId));

        // A code asked for through the first silo works once through the second, whose page token fetches the next page
        // through the first. Another code is asked for through the second.
        using var events = OwnRequestsTests.Subscribe(second, null);
        await first.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var code = (await OwnRequestsTests.CodesAsync(events, 1))[0].Code;
        var page = await second.Cases.LookupMyTicketsAsync(OwnRequestsTests.ByCode(code, pageSize: 1));
        var rest = await first.Cases.LookupMyTicketsAsync(new V1.LookupMyTicketsRequest { Phone = Requests.FakePhone, PageToken = page.NextPageToken });
        Assert.Equal([newer.TicketId, older.TicketId], page.Tickets.Concat(rest.Tickets).Select(t => t.TicketId));
        await second.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var live = (await OwnRequestsTests.CodesAsync(events, 1))[0].Code;

        // The spent code, again through either silo, and wrong codes through both count together: the fifth refusal
        // locks the phone on both and spends the live code; no code is sent through either while the lock holds.
        var wrong = live == "000000" ? "000001" : "000000";
        var tries = new[] { (second, code), (first, code), (first, wrong), (second, wrong), (first, wrong) };
        foreach (var (silo, tried) in tries)
        {
            await OwnRequestsTests.AssertRefusedAsync(() => silo.Cases.LookupMyTicketsAsync(OwnRequestsTests.ByCode(tried)).ResponseAsync);
        }

        await OwnRequestsTests.AssertRefusedAsync(() => second.Cases.LookupMyTicketsAsync(OwnRequestsTests.ByCode(live)).ResponseAsync);
        await first.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        await second.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        Assert.Equal(2, Count(connection, "SELECT COUNT(*) FROM events WHERE event_type = 'caller.code_issued'"));
        Assert.Equal(1, Count(connection, "SELECT COUNT(*) FROM audit_log WHERE action = 'lookup.code_locked' AND target = 'phone=138****0001'"));

        // Staff lift it through either silo: five failures, one refusal while locked; a new code works again.
        var lifted = await second.Cases.LiftLookupLockoutAsync(new V1.LiftLookupLockoutRequest { Phone = Requests.FakePhone, Reason = "当事人来电，已核实身份" });
        Assert.Equal((true, 5, 1), (lifted.WasLocked, lifted.Failures, lifted.RefusedWhileLocked));
        await first.Cases.RequestLookupCodeAsync(new V1.RequestLookupCodeRequest { Phone = Requests.FakePhone });
        var fresh = (await OwnRequestsTests.CodesAsync(events, 1))[0].Code;
        Assert.Equal(2, (await second.Cases.LookupMyTicketsAsync(OwnRequestsTests.ByCode(fresh))).Tickets.Count);
    }

    private static long Count(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
