using Engine.Report;
using Engine.Tools;
using Grpc.Core;
using Grpc.Net.Client;

// Engine.Report --target http://127.0.0.1:50051 (--year 2026 | --from 2026-01-01 --to 2027-01-01) [--court sh-pudong]
// [--out reports] [--api-key KEY]; --help lists the options with their defaults.
return await CommandLineStyle.InvokeAsync(ReportCommandLine.Build(WriteAsync), args);

static async Task<int> WriteAsync(ReportSettings settings)
{
    try
    {
        var (target, scope) = (settings.Target, settings.Scope);
        var apiKey = Engine.V1.ApiKeyCredentials.Resolve(settings.ApiKey);
        using var channel = apiKey is null
            ? GrpcChannel.ForAddress(target)
            : GrpcChannel.ForAddress(target, new GrpcChannelOptions
            {
                Credentials = ChannelCredentials.Create(target.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? new SslCredentials() : ChannelCredentials.Insecure, Engine.V1.ApiKeyCredentials.For(apiKey)),
                UnsafeUseInsecureChannelCallCredentials = true,
            });
        var report = await PeriodReport.ReadAsync(channel, scope);
        Directory.CreateDirectory(settings.OutputDirectory);
        var name = Path.Combine(settings.OutputDirectory, $"report-{scope.CourtId ?? "all"}{(scope.IncludeSubordinate ? "-with-subordinate" : string.Empty)}-{scope.From:yyyyMMdd}-{scope.To:yyyyMMdd}");
        await File.WriteAllTextAsync(name + ".md", ReportWriters.Markdown(report));
        await File.WriteAllTextAsync(name + ".html", ReportWriters.Html(report));
        Console.WriteLine($"wrote {name}.md and {name}.html ({report.Total.Received:N0} tickets received)");
        return 0;
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or RpcException)
    {
        Console.Error.WriteLine($"engine-report: {ex.Message}");
        return 1;
    }
}
