using System.CommandLine;
using System.Globalization;
using Engine.Tools;

namespace Engine.Report;

/// <summary>What one report run does: which engine, which period and court, where the files go.</summary>
public sealed record ReportSettings(string Target, ReportScope Scope, string OutputDirectory, string? ApiKey);

/// <summary>Engine.Report's command line (tools/Shared/CommandLineStyle.cs: the style every tool shares).</summary>
public static class ReportCommandLine
{
    public static RootCommand Build(Func<ReportSettings, Task<int>> run)
    {
        var target = CommandLineStyle.Text("--target", "http://127.0.0.1:50051", "the engine's gRPC address");
        var year = new Option<int?>("--year") { Description = "the calendar year reported (2000 to 2099); or give --from and --to", CustomParser = ParseYear };
        var from = new Option<DateOnly?>("--from") { Description = "the first day reported, yyyy-MM-dd (with --to)", CustomParser = ParseDay };
        var to = new Option<DateOnly?>("--to") { Description = "the day after the last reported, yyyy-MM-dd (exclusive)", CustomParser = ParseDay };
        var court = CommandLineStyle.Optional("--court", "one court's report (a court id, e.g. sh-pudong); default: every court");
        var subordinate = new Option<bool>("--with-subordinate") { Description = "with --court: the court and every court beneath it, summed as one (a high court's three levels)" };
        var output = CommandLineStyle.Text("--out", "reports", "the directory the Markdown and HTML files are written to");
        var apiKey = CommandLineStyle.ApiKey("a supervisor's");
        var root = new RootCommand("Writes the period report a court publishes (Markdown and HTML with charts) from a running engine's statistics (docs/statistics.md). " +
            "Exit status: 0 written; 1 the engine could not be read or the files not written; 64 a bad command line.")
        {
            target, year, from, to, court, subordinate, output, apiKey,
        };
        root.Validators.Add(result =>
        {
            if (!CommandLineStyle.TryGetValue(result, year, out var y) || !CommandLineStyle.TryGetValue(result, from, out var f) || !CommandLineStyle.TryGetValue(result, to, out var t))
            {
                return;
            }

            if (y is not null && (f is not null || t is not null))
            {
                result.AddError("give either --year or --from and --to, not both");
            }
            else if (y is null && (f is null || t is null))
            {
                result.AddError("give the period: --year YYYY, or --from YYYY-MM-DD and --to YYYY-MM-DD");
            }
            else if (f is not null && t is not null && t <= f)
            {
                result.AddError($"--to must be after --from ({f:yyyy-MM-dd})");
            }

            if (result.GetValue(subordinate) && result.GetValue(court) is null)
            {
                result.AddError("--with-subordinate needs --court (every court is already all of them)");
            }
        });
        root.SetAction(result =>
        {
            var scope = result.GetValue(year) is { } y
                ? new ReportScope(null, new DateOnly(y, 1, 1), new DateOnly(y + 1, 1, 1))
                : new ReportScope(null, result.GetValue(from)!.Value, result.GetValue(to)!.Value);
            scope = scope with { CourtId = result.GetValue(court), IncludeSubordinate = result.GetValue(subordinate) };
            return run(new ReportSettings(result.GetValue(target)!, scope, result.GetValue(output)!, result.GetValue(apiKey)));
        });
        return root;
    }

    private static int? ParseYear(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and < 2100)
        {
            return year;
        }

        result.AddError($"--year must be a year such as 2026 (it is '{text}')");
        return null;
    }

    private static DateOnly? ParseDay(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        var name = result.Parent is System.CommandLine.Parsing.OptionResult option ? option.Option.Name : "the date";
        result.AddError($"{name} must be a date written yyyy-MM-dd (it is '{text}')");
        return null;
    }
}
