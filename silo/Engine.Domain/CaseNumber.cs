using System.Text.RegularExpressions;

namespace Engine.Domain;

/// <summary>
/// A case number as courts write it, e.g. <c>(2019)沪0115民初12345号</c>: the year in brackets, the court code
/// (province abbreviation and digits), the case-type characters, the sequence, 号. The pre-2016 form
/// <c>(2014)沪一中民四(商)终字第1234号</c> is accepted too. The text is kept; the key used for look-ups folds
/// full-width brackets and digits to ASCII.
/// </summary>
public static partial class CaseNumber
{
    public const int MaxLength = 64;

    [GeneratedRegex(@"^\((?<year>[0-9]{4})\)(?<court>[\p{IsCJKUnifiedIdeographs}]{1,4}[0-9]{0,4})(?<type>[\p{IsCJKUnifiedIdeographs}()]{1,12}?)第?(?<seq>[0-9]{1,7})号$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The look-up key: trimmed, full-width brackets folded to ASCII.</summary>
    public static string Normalize(string text) => string.Create(text.Trim().Length, text.Trim(), static (chars, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            chars[i] = c switch
            {
                '（' or '〔' or '［' => '(',
                '）' or '〕' or '］' => ')',
                >= '０' and <= '９' => (char)('0' + (c - '０')),
                _ => c,
            };
        }
    });

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
