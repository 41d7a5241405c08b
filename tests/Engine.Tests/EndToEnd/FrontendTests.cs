using Engine.Frontend;
using Engine.Tests.Support;
using Grpc.Health.V1;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

public sealed class FrontendTests
{
    [Fact]
    public async Task A_standalone_front_end_serves_the_same_engine_through_the_silo_gateway()
    {
        await using var engine = await EngineInstance.StartWithSampleDirectoryAsync();
        var port = FreePorts.Next();
        var frontend = FrontendHost.Build(["--grpc", $"127.0.0.1:{port}", "--gateway", $"127.0.0.1:{engine.GatewayPort}"]);
        await frontend.StartAsync();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

            var request = Requests.ContactJudge(string.Empty, key: "via-frontend-1");
            request.CourtId = "sh-minhang";
            var submitted = await new V1.IntakeService.IntakeServiceClient(channel).SubmitTicketAsync(request);

            var seenBySilo = await engine.Tickets.GetTicketAsync(new V1.GetTicketRequest { TicketId = submitted.Ticket.TicketId });
            Assert.Equal("sh-minhang", seenBySilo.Ticket.CourtId);
            var retried = await engine.Intake.SubmitTicketAsync(request);
            Assert.True(retried.Deduplicated);
            Assert.Equal(submitted.Ticket.TicketId, retried.Ticket.TicketId);
        }
        finally
        {
            await frontend.StopAsync();
            await frontend.DisposeAsync();
        }
    }
}
