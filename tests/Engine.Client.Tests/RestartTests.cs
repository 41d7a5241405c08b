using System.Threading.Channels;
using Engine.Client.Tests.Support;
using Engine.V1;
using Grpc.Core;

namespace Engine.Client.Tests;

/// <summary>The client across a crash of the engine: the process killed hard and started again on the same data
/// directory and port while the client goes on.</summary>
public sealed class RestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_submission_whose_answer_was_lost_in_a_crash_is_tried_again_with_the_same_key_and_makes_one_ticket()
    {
        await using var engine = await EngineServer.StartAsync();
        var retriedAgainstTheDeadEngine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new CallRecorder();
        recorder.AfterAnswer = async (method, attempt) =>
        {
            if (method == "SubmitTicket" && attempt == 1)
            {
                // The engine took the ticket and answered; it dies before the answer reaches the adapter.
                await engine.KillAsync();
                throw new RpcException(new Status(StatusCode.Unavailable, "the connection broke before the answer arrived"));
            }
        };
        recorder.FailBefore = (method, attempt) =>
        {
            if (method == "SubmitTicket" && attempt == 3)
            {
                retriedAgainstTheDeadEngine.TrySetResult();
            }

            return null;
        };
        var options = engine.ClientOptions();
        options.Interceptors.Add(recorder);
        using var client = new EngineClient(options);
        var request = Submissions.Consultation();

        var submitting = client.SubmitTicketAsync(request);
        await retriedAgainstTheDeadEngine.Task.WaitAsync(Patience);
        Assert.False(submitting.IsCompleted);
        await engine.RestartAsync();
        var answer = await submitting.WaitAsync(Patience);

        Assert.True(answer.Deduplicated, "the retry found the ticket the lost answer was about");
        Assert.True(recorder.Attempts("SubmitTicket") >= 3);
        Assert.All(recorder.Requests("SubmitTicket"), r => Assert.Equal(request.IdempotencyKey, ((SubmitTicketRequest)r).IdempotencyKey));
        Assert.Equal(request.IdempotencyKey, answer.Ticket.IdempotencyKey);
        Assert.Equal(1, await Submissions.CountWithContentAsync(client, Submissions.Court, request.Content));
    }

    [Fact]
    public async Task The_event_reader_resumes_after_an_engine_restart_without_a_gap_or_a_repeat()
    {
        await using var engine = await EngineServer.StartAsync();
        var options = engine.ClientOptions();
        options.EventStreamSilence = TimeSpan.FromSeconds(5);
        using var client = new EngineClient(options);
        using var stop = new CancellationTokenSource();
        var stream = client.OpenEventStream(new EventSubscription { Name = "client-tests" });
        var read = System.Threading.Channels.Channel.CreateUnbounded<Event>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in stream.ReadAllAsync(stop.Token))
            {
                await read.Writer.WriteAsync(e, stop.Token);
                await stream.CommitAsync(e.Sequence, stop.Token);
            }
        });

        var before = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            before.Add((await client.SubmitTicketAsync(Submissions.Consultation())).Ticket.TicketId);
        }

        var seen = new List<Event>();
        await ReadUntilAsync(read.Reader, seen, e => e.EventType == "ticket.received" && e.AggregateId == before[^1]);

        await engine.KillAsync();
        await engine.RestartAsync();
        var after = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            after.Add((await client.SubmitTicketAsync(Submissions.Consultation())).Ticket.TicketId);
        }

        await ReadUntilAsync(read.Reader, seen, e => e.EventType == "ticket.received" && e.AggregateId == after[^1]);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        // Events after the awaited one may have arrived before the stop: they count too.
        while (read.Reader.TryRead(out var more))
        {
            seen.Add(more);
        }

        Assert.True(stream.Resubscriptions >= 1, "the stream broke and was subscribed again");
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(n => (long)n), seen.Select(e => e.Sequence));
        Assert.Superset(before.Concat(after).ToHashSet(), seen.Where(e => e.EventType == "ticket.received").Select(e => e.AggregateId).ToHashSet());
        // Each event is committed after it is handed on, so the stop may come between the two for the last one.
        Assert.InRange(await client.GetCursorAsync("client-tests"), seen[^1].Sequence - 1, seen[^1].Sequence);
    }

    private static async Task ReadUntilAsync(ChannelReader<Event> reader, List<Event> seen, Func<Event, bool> last)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var e = await reader.ReadAsync(patience.Token);
            seen.Add(e);
            if (last(e))
            {
                return;
            }
        }
    }
}
