using System.Globalization;

namespace Engine.Domain;

/// <summary>
/// What is wrong with one section of settings: one sentence per bad setting, each naming the setting by its full
/// configuration key and saying what it may be, e.g. "Engine:Storage:MaxBatchSize must be between 1 and 100000 (it is
/// 0)". Every host's options validators collect their failures here, so that start-up refuses a bad value with a line
/// the operator can act on instead of hanging or spinning on it later.
/// </summary>
public sealed class SettingsCheck(string section)
{
    private readonly List<string> _failures = [];

    /// <summary>The sentences, in the order the settings were checked; empty when every setting is good.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>The full key of a setting of this section: <c>Engine:Storage</c> + <c>MaxBatchSize</c>.</summary>
    public string Key(string setting) => $"{section}:{setting}";

    public void Between(string setting, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            Fail(setting, $"must be between {Show(min)} and {Show(max)} (it is {Show(value)})");
        }
    }

    /// <summary>Also refuses NaN, which compares false with everything.</summary>
    public void Between(string setting, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            Fail(setting, $"must be between {Show(min)} and {Show(max)} (it is {Show(value)})");
        }
    }

    public void Between(string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Fail(setting, $"must be between {Show(min)} and {Show(max)} (it is {Show(value)})");
        }
    }

    public void AtLeast(string setting, long value, long min)
    {
        if (value < min)
        {
            Fail(setting, $"must be at least {Show(min)} (it is {Show(value)})");
        }
    }

    /// <summary>A number given for an enum binds to any value; only the named ones mean something.</summary>
    public void Defined<TEnum>(string setting, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            Fail(setting, $"must be one of {string.Join(", ", Enum.GetNames<TEnum>())} (it is {value})");
        }
    }

    public void Required(string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Fail(setting, "must not be empty");
        }
    }

    /// <summary>A file name alone, without a directory (which would escape the directory it is meant to be in).</summary>
    public void FileName(string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || Path.GetFileName(value) != value || value is "." or "..")
        {
            Fail(setting, $"must be a file name without a directory (it is '{value}')");
        }
    }

    /// <summary>Adds "<paramref name="setting"/>'s full key + <paramref name="problem"/>".</summary>
    public void Fail(string setting, string problem) => _failures.Add($"{Key(setting)} {problem}");

    /// <summary>Adds a sentence that already names its setting by its full key.</summary>
    public void Add(string failure) => _failures.Add(failure);

    private static string Show(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>As a setting is written (<c>00:00:25</c>, <c>7.00:00:00</c>, <c>00:00:00.1</c>), without the
    /// trailing zeros of the constant format's seven fraction digits.</summary>
    public static string Show(TimeSpan value)
    {
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }
}
