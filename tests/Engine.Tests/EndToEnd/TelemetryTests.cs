using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Engine.Contracts;
using Engine.Silo;
using Engine.Storage.Commits;
using Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>OpenTelemetry as an operator meets it: the Prometheus scrape endpoint on the dashboard's port, and the
/// trace of a call in an exporter (docs/operations.md).</summary>
public sealed class TelemetryTests
{
    private const string Court = "sh-pudong";
    private const string SubmitMethod = "/engine.v1.IntakeService/SubmitTicket";

    [Fact]
    public async Task After_a_ticket_the_scrape_endpoint_shows_the_engines_commits_orleans_the_grpc_call_and_the_runtime()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        await SubmitAsync(engine, "(2025)沪0115民初70001号");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.DashboardPort}") };

        var scrape = await Eventually.ValueAsync(() => http.GetStringAsync(EngineHost.MetricsPath), text => text.Contains(SubmitMethod, StringComparison.Ordinal), "the scrape shows the SubmitTicket call");

        var lines = scrape.Split('\n');
        Assert.Contains(lines, line => line.StartsWith("engine_commit_writes_count{", StringComparison.Ordinal) && line.Contains("committer=\"ticket-commit\"", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("engine_commit_duration_milliseconds_bucket{", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("engine_calendar_missing_years{", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && line.Contains($"http_route=\"{SubmitMethod}\"", StringComparison.Ordinal)
            && line.Contains("rpc_grpc_status_code=\"0\"", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("dotnet_gc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_submitted_ticket_is_traced_from_the_grpc_call_through_the_grain_calls_to_the_commit()
    {
        var spans = new Spans();
        await using var engine = await EngineInstance.StartWithServicesAsync(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        await engine.Directory.ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = SampleDirectory.Json });
        await SubmitAsync(engine, "(2025)沪0115民初70002号");

        // The server span ends once the answer is sent; the exporter takes each span as it ends. Activity listeners are
        // the process's: the exporter also gets the spans of engines other tests run meanwhile, so this engine's call
        // is told by its port.
        var port = engine.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var call = await Eventually.ValueAsync(
            () => Snapshot(spans).FirstOrDefault(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && s.DisplayName.Contains(SubmitMethod, StringComparison.Ordinal)
                && Convert.ToString(s.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture) == port),
            span => span is not null, "the SubmitTicket call's span is exported");
        var trace = Snapshot(spans).Where(s => s.TraceId == call!.TraceId).ToList();

        var grainCalls = trace.Where(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToList();
        Assert.Contains(grainCalls, s => s.Kind == ActivityKind.Client && s.ParentSpanId == call!.SpanId);
        Assert.Contains(grainCalls, s => s.Kind == ActivityKind.Server);
        var waits = trace.Where(s => s.Source.Name == Telemetry.ActivitySourceName && s.DisplayName == GroupCommitter<object>.WaitSpan).ToList();
        Assert.NotEmpty(waits);
        Assert.All(waits, wait => Assert.Contains(grainCalls, s => s.Kind == ActivityKind.Server && s.SpanId == wait.ParentSpanId));

        // The batch that committed the ticket: its own span, linked to the call's wait.
        var wait = waits[0];
        var commit = await Eventually.ValueAsync(
            () => Snapshot(spans).SingleOrDefault(s => s.DisplayName == GroupCommitter<object>.CommitSpan && s.Links.Any(l => l.Context.SpanId == wait.SpanId)),
            span => span is not null, "the commit's span is exported");
        Assert.NotNull(commit);
        Assert.Equal(wait.TraceId, commit.Links.Single(l => l.Context.SpanId == wait.SpanId).Context.TraceId);
        Assert.True((int)commit.GetTagItem("engine.commit.writes")! >= 1);
        Assert.Equal("ticket-commit", commit.GetTagItem("committer"));
    }

    [Fact]
    public async Task Off_loopback_the_scrape_endpoint_asks_for_the_same_login_as_the_supervision_page()
    {
        var port = FreePorts.Next();
        await using var engine = await EngineInstance.StartAsync(null, "--dashboard", $"0.0.0.0:{port}", Keys.RequiredArg);
        var supervisor = await engine.CreateKeyAsync(V1.AccessRole.Supervisor);
        var channel = await engine.CreateKeyAsync(V1.AccessRole.Channel, new V1.AccessScope { Channels = { V1.Channel.Web } });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var anonymous = await http.GetAsync(EngineHost.MetricsPath);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, channel));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, supervisor));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, engine.AdminKey()));
    }

    [Fact]
    public async Task The_scrape_endpoint_can_be_turned_off()
    {
        await using var engine = await EngineInstance.StartAsync(null, "--Engine:Telemetry:Prometheus=false");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.DashboardPort}") };

        using var metrics = await http.GetAsync(EngineHost.MetricsPath);
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        using var page = await http.GetAsync(SupervisionPage.Path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task With_nothing_to_export_traces_to_no_span_is_recorded_and_metrics_still_are()
    {
        // No OTLP endpoint and no exporter of the host's own: a tracer provider would make and fill a span for every
        // call and grain call for nobody (decision 74).
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        await SubmitAsync(engine, "(2025)沪0115民初70003号");

        Assert.Null(engine.Services.GetService<TracerProvider>());
        Assert.NotNull(engine.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    [Fact]
    public async Task With_an_otlp_endpoint_traces_are_recorded()
    {
        // Nothing listens there: the exporter's sends fail quietly; what matters is that the provider exists.
        await using var engine = await EngineInstance.StartAsync(null, "--OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{FreePorts.Next()}");

        Assert.NotNull(engine.Services.GetService<TracerProvider>());
    }

    private static async Task SubmitAsync(EngineInstance engine, string caseNumber)
    {
        await engine.Cases.UpsertCaseAsync(Requests.Case(caseNumber, Court, "civil-1", SampleDirectory.JudgeId(Court, "civil-1", 1)));
        await engine.Intake.SubmitTicketAsync(Requests.ContactJudge(caseNumber));
    }

    private static List<Activity> Snapshot(Spans spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    /// <summary>What the exporter fills from the engine's threads while the test reads.</summary>
    private sealed class Spans : System.Collections.ObjectModel.Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, EngineHost.MetricsPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"anyone:{key}")));
        using var answer = await http.SendAsync(request);
        return answer.StatusCode;
    }
}
