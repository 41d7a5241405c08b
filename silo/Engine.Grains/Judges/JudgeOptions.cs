using System.Globalization;
using Engine.Domain;
using Engine.Domain.Calendar;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Judges;

/// <summary>Judges' own timers. Bound from "Engine:Judges".</summary>
public sealed class JudgeOptions
{
    /// <summary>When each judge's morning list (judge.digest) is published on the working days of their court, in
    /// court time, written HH:mm (or HH:mm:ss, for drills that cannot wait for a whole minute). Default 08:30.</summary>
    public string MorningListAt { get; set; } = "08:30";

    /// <summary>What <see cref="MorningListAt"/> says (the default when it is unreadable; start-up refuses that).</summary>
    public TimeOnly ListTime => TryParse(MorningListAt, out var at) ? at : MorningList.DefaultAt;

    private static readonly string[] Formats = ["HH:mm", "HH:mm:ss"];

    public static bool TryParse(string? text, out TimeOnly at) =>
        TimeOnly.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
}

/// <summary>The checks of <see cref="JudgeOptions"/> at start.</summary>
public sealed class JudgeOptionsValidator : IValidateOptions<JudgeOptions>
{
    public const string Section = "Engine:Judges";

    public ValidateOptionsResult Validate(string? name, JudgeOptions options)
    {
        var check = new SettingsCheck(Section);
        if (!JudgeOptions.TryParse(options.MorningListAt, out _))
        {
            check.Fail(nameof(options.MorningListAt), $"must be a time of day written HH:mm or HH:mm:ss, e.g. 08:30 (it is '{options.MorningListAt}')");
        }

        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
