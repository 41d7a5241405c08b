using System.Text.RegularExpressions;

namespace Engine.Domain;

/// <summary>
/// A case number as courts write it, e.g. <c>(2019)沪0115民初12345号</c>: the year in brackets,
/// the court code (province abbreviation and digits), the case-type characters, the sequence, 号.
/// The text is kept; the key used for look-ups folds full-width brackets to ASCII.
/// </summary>
public static partial class CaseNumber
{
    public const int MaxLength = 64;

    [GeneratedRegex(@"^\((?<year>\d{4})\)(?<court>[\p{IsCJKUnifiedIdeographs}]{1,3}\d{0,4})(?<type>[\p{IsCJKUnifiedIdeographs}]{1,6})(?<seq>\d{1,7})号$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The look-up key: trimmed, full-width brackets folded to ASCII.</summary>
    public static string Normalize(string text) =>
        text.Trim().Replace('（', '(').Replace('）', ')').Replace('〔', '(').Replace('〕', ')');

    public static bool IsValid(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return false;
        }

        var match = Pattern().Match(Normalize(text));
        if (!match.Success)
        {
            return false;
        }

        var year = int.Parse(match.Groups["year"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        return year is >= 1949 and <= 2100;
    }
}
