using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Engine.Tests.Support;

/// <summary>Keeps every log entry of an engine (message, structured values and exception) so that tests can look for
/// what must never be logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();
    private readonly ConcurrentQueue<CapturedEntry> _records = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Every entry so far, in the order they were logged.</summary>
    public IReadOnlyList<CapturedEntry> Entries => [.. _records];

    /// <summary>The entries holding <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Containing(string text) => [.. _entries.Where(e => e.Contains(text, StringComparison.Ordinal))];

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    entry.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            if (exception is not null)
            {
                entry.Append(" | ").Append(exception);
            }

            logs._entries.Enqueue(entry.ToString());
            logs._records.Enqueue(new CapturedEntry(logLevel, category, eventId.Id, formatter(state, exception), exception));
        }
    }
}

/// <summary>One log entry as it was logged.</summary>
public sealed record CapturedEntry(LogLevel Level, string Category, int EventId, string Message, Exception? Exception);
