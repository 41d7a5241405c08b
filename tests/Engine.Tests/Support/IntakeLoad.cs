using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.Support;

/// <summary>
/// Callers submitting new tickets back to back to one court, each a caller of their own so that none is merged, and
/// every answer kept in the order it came: the status, the ticket when it was acknowledged, and how long it took.
/// </summary>
public sealed class IntakeLoad : IAsyncDisposable
{
    /// <summary>Each call's own deadline: far beyond what a prompt answer takes.</summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<Answer> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;
    private int _phone;

    public IntakeLoad(V1.IntakeService.IntakeServiceClient intake, string courtId, int callers = 16)
    {
        _callers = [.. Enumerable.Range(0, callers).Select(_ => Task.Run(() => CallAsync(intake, courtId)))];
    }

    /// <summary>Every answer so far, in the order they came.</summary>
    public IReadOnlyList<Answer> Answers => [.. _answers];

    public IReadOnlyList<Answer> Acknowledged => [.. _answers.Where(a => a.Code == StatusCode.OK)];

    public int Count => _answers.Count;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task CallAsync(V1.IntakeService.IntakeServiceClient intake, string courtId)
    {
        while (!_stop.IsCancellationRequested)
        {
            var request = Requests.ContactJudge(string.Empty);
            (request.Kind, request.SubKind, request.CourtId) = (V1.TicketKind.Consultation, V1.TicketSubKind.ConsultationProcedure, courtId);
            request.Caller.Phone = "139" + Interlocked.Increment(ref _phone).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var reply = await intake.SubmitTicketAsync(request, deadline: DateTime.UtcNow + CallDeadline);
                _answers.Enqueue(new Answer(StatusCode.OK, reply.Ticket, Stopwatch.GetElapsedTime(started), string.Empty));
            }
            catch (RpcException ex)
            {
                _answers.Enqueue(new Answer(ex.StatusCode, null, Stopwatch.GetElapsedTime(started), ex.Status.Detail));
            }
        }
    }

    public sealed record Answer(StatusCode Code, V1.Ticket? Ticket, TimeSpan Took, string Detail);
}
