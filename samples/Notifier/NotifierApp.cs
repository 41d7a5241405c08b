using Engine.Client;

namespace Notifier;

/// <summary>What the notifier is told: the engine, the subscription name, the outbox file and the templates.</summary>
public sealed class NotifierSettings
{
    public required EngineClientOptions Engine { get; init; }

    public string Subscription { get; init; } = "notifier";

    public string OutboxPath { get; init; } = "notifier.db";

    public string TemplatesPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "templates.json");

    /// <summary>A wait after each event that made messages (a drill's knob: it widens the window a kill lands in).</summary>
    public TimeSpan PauseAfterEvent { get; init; }

    /// <summary>Events without messages between two cursor commits.</summary>
    public int CommitEvery { get; init; } = 200;
}

/// <summary>
/// Follows the log with a named subscription: for each event, its messages are written to the outbox (keyed by
/// sequence, so a second write of the same event writes nothing), and only then is the cursor committed. A crash
/// between the two re-delivers the event after the restart, and the outbox ignores it: every message once.
/// </summary>
public static class NotifierApp
{
    public static async Task RunAsync(NotifierSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var messages = Messages.Load(settings.TemplatesPath);
        using var outbox = new Outbox(settings.OutboxPath);
        using var client = new EngineClient(settings.Engine);
        var reader = client.OpenEventStream(new EventSubscription { Name = settings.Subscription });
        var uncommitted = 0;
        await output.WriteLineAsync($"notifier: following the log as '{settings.Subscription}'");
        await foreach (var e in reader.ReadAllAsync(cancellationToken))
        {
            var made = await messages.MakeAsync(e, async ticketId =>
                ticketId.Length == 0 ? null : (await client.GetTicketAsync(ticketId, cancellationToken)).Caller?.Phone);
            if (made.Count == 0)
            {
                if (++uncommitted >= settings.CommitEvery)
                {
                    await reader.CommitAsync(e.Sequence, cancellationToken);
                    uncommitted = 0;
                }

                continue;
            }

            var written = outbox.Write(made);
            if (written < made.Count)
            {
                // Never the phones or the text: only where it stands.
                await output.WriteLineAsync($"notifier: event {e.Sequence} was written before ({made.Count - written} of {made.Count} messages already in the outbox)");
            }

            await reader.CommitAsync(e.Sequence, cancellationToken);
            uncommitted = 0;
            if (settings.PauseAfterEvent > TimeSpan.Zero)
            {
                await Task.Delay(settings.PauseAfterEvent, cancellationToken);
            }
        }
    }
}
