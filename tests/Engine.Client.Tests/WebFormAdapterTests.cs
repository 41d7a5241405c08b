using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engine.Client.Tests.Support;
using WebFormAdapter;

namespace Engine.Client.Tests;

/// <summary>The sample adapter (samples/WebFormAdapter) on a real port, in front of a real engine.</summary>
[Collection(SharedEngineGroup.Name)]
public sealed class WebFormAdapterTests(SharedEngine engine)
{
    [Fact]
    public async Task A_redelivered_webhook_makes_exactly_one_ticket()
    {
        await using var adapter = await StartAdapterAsync(engine.Server.Address);
        var form = Form();

        var first = await adapter.Http.PostAsJsonAsync("/forms", form);
        var again = await adapter.Http.PostAsJsonAsync("/forms", form);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var made = await first.Content.ReadFromJsonAsync<JsonElement>();
        var redelivered = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(made.GetProperty("duplicate").GetBoolean());
        Assert.StartsWith("TICKET_STATE_", made.GetProperty("state").GetString(), StringComparison.Ordinal);
        Assert.True(redelivered.GetProperty("duplicate").GetBoolean());
        var ticketId = made.GetProperty("ticket_id").GetString()!;
        Assert.Equal(ticketId, redelivered.GetProperty("ticket_id").GetString());

        using var client = new EngineClient(engine.Server.ClientOptions());
        var ticket = await client.GetTicketAsync(ticketId);
        Assert.Equal("webform:" + form["form_id"], ticket.IdempotencyKey);
        Assert.Equal(Engine.V1.Channel.Web, ticket.Channel);
        Assert.Equal(1, await Submissions.CountWithContentAsync(client, Submissions.Court, (string)form["message"]!));
    }

    [Fact]
    public async Task A_form_with_bad_fields_is_answered_400_naming_each_field_the_adapter_or_the_engine_found()
    {
        await using var adapter = await StartAdapterAsync(engine.Server.Address);

        var missing = Form();
        missing.Remove("form_id");
        missing["topic"] = "weather";
        missing["message"] = " ";
        var refused = await adapter.Http.PostAsJsonAsync("/forms", missing);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["form_id", "message", "topic"], await ErrorFieldsAsync(refused));

        var badPhone = Form();
        badPhone["phone"] = "12345";
        var refusedByEngine = await adapter.Http.PostAsJsonAsync("/forms", badPhone);
        Assert.Equal(HttpStatusCode.BadRequest, refusedByEngine.StatusCode);
        Assert.Equal(["phone"], await ErrorFieldsAsync(refusedByEngine));

        var unknownCourt = Form();
        unknownCourt["court"] = "sh-nowhere";
        var refusedCourt = await adapter.Http.PostAsJsonAsync("/forms", unknownCourt);
        Assert.Equal(HttpStatusCode.BadRequest, refusedCourt.StatusCode);
        Assert.Equal(["court"], await ErrorFieldsAsync(refusedCourt));
    }

    [Fact]
    public async Task A_form_id_used_again_for_another_form_is_answered_409()
    {
        await using var adapter = await StartAdapterAsync(engine.Server.Address);
        var form = Form();
        Assert.Equal(HttpStatusCode.Created, (await adapter.Http.PostAsJsonAsync("/forms", form)).StatusCode);

        form["message"] = "另一个问题";
        var conflict = await adapter.Http.PostAsJsonAsync("/forms", form);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task When_the_engine_cannot_be_reached_the_form_is_answered_503_with_retry_after()
    {
        await using var adapter = await StartAdapterAsync($"http://127.0.0.1:{LoopbackPorts.Next()}", "--Engine:Retry:MaxAttempts=2");

        var answer = await adapter.Http.PostAsJsonAsync("/forms", Form());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), answer.Headers.RetryAfter?.Delta);
    }

    private static Dictionary<string, object?> Form() => new()
    {
        ["form_id"] = "F-" + Guid.NewGuid().ToString("N"),
        ["court"] = Submissions.Court,
        ["topic"] = "consultation",
        ["name"] = "测试",
        ["phone"] = "13800000003",
        ["role"] = "party",
        ["message"] = "请问立案需要什么材料 " + Guid.NewGuid().ToString("N"),
    };

    private static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    private static async Task<RunningAdapter> StartAdapterAsync(string engineAddress, params string[] args)
    {
        var port = LoopbackPorts.Next();
        var app = AdapterApp.Build([
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--Engine:Address", engineAddress,
            "--Engine:Retry:InitialBackoff", "00:00:00.010",
            "--Engine:Retry:MaxBackoff", "00:00:00.050",
            .. args,
        ]);
        await app.StartAsync();
        return new RunningAdapter(app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }

    private sealed record RunningAdapter(Microsoft.AspNetCore.Builder.WebApplication App, HttpClient Http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
