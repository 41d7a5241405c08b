using System.CommandLine;
using System.Globalization;

namespace Engine.Tools;

/// <summary>
/// The command-line style every tool of the repository shares (Engine.Load, Engine.Report, Engine.Fixture; compiled
/// into each): System.CommandLine, <c>--kebab-case</c> options with their defaults shown by <c>--help</c>, a value
/// that does not parse or is out of range refused naming its option, and a usage error answered on standard error
/// with the hint to run <c>--help</c> and exit status 64 (EX_USAGE), apart from every status a tool's run gives.
/// </summary>
internal static class CommandLineStyle
{
    /// <summary>The exit status of a command line that does not parse (sysexits' EX_USAGE).</summary>
    public const int UsageError = 64;

    /// <summary>An integer option with a default, refused outside <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<int> Int(string name, int defaultValue, string description, int min = 0, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{name} must be a whole number (it is '{text}')");
            }
            else if (value < min || value > max)
            {
                result.AddError(max == int.MaxValue ? $"{name} must be at least {min} (it is {value})" : $"{name} must be between {min} and {max} (it is {value})");
            }

            return value;
        },
    };

    /// <summary>A number option with a default, refused outside <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<double> Number(string name, double defaultValue, string description, double min, double max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                result.AddError($"{name} must be a number such as 0.5 (it is '{text}')");
            }
            else if (value < min || value > max)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max} (it is {value})"));
            }

            return value;
        },
    };

    /// <summary>A text option with a default.</summary>
    public static Option<string> Text(string name, string defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>A text option that may be left out (null).</summary>
    public static Option<string?> Optional(string name, string description) => new(name) { Description = description };

    /// <summary>A text option taking one of <paramref name="values"/>.</summary>
    public static Option<string> OneOf(string name, string defaultValue, string description, params string[] values)
    {
        var option = Text(name, defaultValue, description);
        option.HelpName = string.Join('|', values);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!values.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{name} must be one of {string.Join(", ", values)} (it is '{value}')");
            }
        });
        return option;
    }

    /// <summary>The API key option of tools that call an engine; left out, the key comes from ENGINE_API_KEY.</summary>
    public static Option<string?> ApiKey(string whose) =>
        Optional("--api-key", $"{whose} API key (cek_…) for an engine that requires keys; default: the ENGINE_API_KEY environment variable");

    /// <summary>An option's value for a check across options, or false when the option's own value did not parse
    /// (its error is reported already).</summary>
    public static bool TryGetValue<T>(System.CommandLine.Parsing.SymbolResult result, Option<T> option, out T? value)
    {
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Parses <paramref name="args"/> and runs the command they name (or prints help). A command line that
    /// does not parse is answered with each error, one a line, and the hint to run --help: exit status 64.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, TextWriter? error = null)
    {
        var result = root.Parse(args);
        if (result.Errors.Count == 0)
        {
            return await result.InvokeAsync();
        }

        error ??= Console.Error;
        var name = result.CommandResult.Command is RootCommand ? root.Name : $"{root.Name} {result.CommandResult.Command.Name}";
        foreach (var problem in result.Errors)
        {
            await error.WriteLineAsync($"{name}: {problem.Message}");
        }

        await error.WriteLineAsync($"Run '{name} --help' for the options.");
        return UsageError;
    }
}
