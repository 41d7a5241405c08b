using System.Globalization;
using Engine.Report;
using Grpc.Core;
using Grpc.Net.Client;

// engine-report --target http://127.0.0.1:50051 --year 2026 [--court sh-pudong] [--out reports]
//               or --from 2026-01-01 --to 2027-01-01 (to is exclusive)
var settings = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    settings[args[i].TrimStart('-')] = args[i + 1];
}

if (args.Length % 2 != 0 || !settings.ContainsKey("year") && !(settings.ContainsKey("from") && settings.ContainsKey("to")))
{
    Console.Error.WriteLine("usage: engine-report [--target http://127.0.0.1:50051] (--year YYYY | --from YYYY-MM-DD --to YYYY-MM-DD) [--court ID] [--out DIR] [--api-key KEY (or ENGINE_API_KEY): a supervisor's]");
    return 2;
}

DateOnly Day(string name) => DateOnly.TryParseExact(settings[name], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
    ? day : throw new ArgumentException($"--{name} must be a date written yyyy-MM-dd, not '{settings[name]}'");

int Year(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and < 2100
    ? year : throw new ArgumentException($"--year must be a year such as 2026, not '{text}'");

try
{
    var scope = settings.TryGetValue("year", out var year)
        ? new ReportScope(null, new DateOnly(Year(year), 1, 1), new DateOnly(Year(year) + 1, 1, 1))
        : new ReportScope(null, Day("from"), Day("to"));
    if (scope.To <= scope.From)
    {
        throw new ArgumentException("--to must be after --from");
    }

    scope = scope with { CourtId = settings.GetValueOrDefault("court") };
    var target = settings.GetValueOrDefault("target", "http://127.0.0.1:50051");
    var apiKey = Engine.V1.ApiKeyCredentials.Resolve(settings.GetValueOrDefault("api-key"));
    using var channel = apiKey is null
        ? GrpcChannel.ForAddress(target)
        : GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(target.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? new SslCredentials() : ChannelCredentials.Insecure, Engine.V1.ApiKeyCredentials.For(apiKey)),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    var report = await PeriodReport.ReadAsync(channel, scope);
    var directory = settings.GetValueOrDefault("out", "reports");
    Directory.CreateDirectory(directory);
    var name = Path.Combine(directory, $"report-{scope.CourtId ?? "all"}-{scope.From:yyyyMMdd}-{scope.To:yyyyMMdd}");
    await File.WriteAllTextAsync(name + ".md", ReportWriters.Markdown(report));
    await File.WriteAllTextAsync(name + ".html", ReportWriters.Html(report));
    Console.WriteLine($"wrote {name}.md and {name}.html ({report.Total.Received:N0} tickets received)");
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or FormatException or Grpc.Core.RpcException)
{
    Console.Error.WriteLine($"engine-report: {ex.Message}");
    return 1;
}
