using System.Globalization;
using Engine.Client;
using Notifier;

// notifier --target http://127.0.0.1:50051 [--subscription notifier] [--outbox notifier.db] [--templates templates.json]
//          [--pause-ms 0]; the API key from ENGINE_API_KEY.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

if (!options.TryGetValue("--target", out var target))
{
    await Console.Error.WriteLineAsync("notifier: --target (the engine's gRPC address) is required");
    return 2;
}

var settings = new NotifierSettings
{
    Engine = new EngineClientOptions
    {
        Address = target,
        ApiKey = Environment.GetEnvironmentVariable(EngineClientOptions.ApiKeyEnvironmentVariable),
        Retry = new EngineRetryOptions { MaxAttempts = 1000 },
    },
    Subscription = options.GetValueOrDefault("--subscription", "notifier"),
    OutboxPath = options.GetValueOrDefault("--outbox", "notifier.db"),
    TemplatesPath = options.GetValueOrDefault("--templates", Path.Combine(AppContext.BaseDirectory, "templates.json")),
    PauseAfterEvent = TimeSpan.FromMilliseconds(int.Parse(options.GetValueOrDefault("--pause-ms", "0"), CultureInfo.InvariantCulture)),
};

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    await NotifierApp.RunAsync(settings, Console.Out, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Stopped: the cursor is committed up to the last event written.
}

return 0;
