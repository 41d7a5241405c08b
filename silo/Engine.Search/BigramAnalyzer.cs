using System.Globalization;
using System.Text;

namespace Engine.Search;

/// <summary>
/// The baseline analyzer: overlapping pairs of Han characters (a lone character stands alone) and whole runs of
/// Latin letters or digits. Needs no dictionary; finds every word but also many pairs that are not words.
/// </summary>
public sealed class BigramAnalyzer : ITextAnalyzer
{
    public IReadOnlyList<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var run = new StringBuilder();
        var han = false;
        foreach (var ch in text.Normalize(NormalizationForm.FormKC))
        {
            var isHan = IsHan(ch);
            var isWord = !isHan && char.IsLetterOrDigit(ch);
            if ((isHan && !han) || (isWord && han) || (!isHan && !isWord))
            {
                Flush(run, han, terms);
            }

            if (isHan || isWord)
            {
                run.Append(char.ToLowerInvariant(ch));
                han = isHan;
            }
        }

        Flush(run, han, terms);
        return terms;
    }

    internal static bool IsHan(char ch) => CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.OtherLetter
        && ch is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    private static void Flush(StringBuilder run, bool han, List<string> terms)
    {
        if (run.Length == 0)
        {
            return;
        }

        if (!han || run.Length == 1)
        {
            terms.Add(run.ToString());
        }
        else
        {
            for (var i = 0; i + 1 < run.Length; i++)
            {
                terms.Add(string.Concat(run[i], run[i + 1]));
            }
        }

        run.Clear();
    }
}
