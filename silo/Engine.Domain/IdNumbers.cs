namespace Engine.Domain;

/// <summary>A party's identity number (a resident identity card's 18 characters) or an organisation's unified social
/// credit code: letters and digits, matched upper-case, masked like a phone.</summary>
public static class IdNumbers
{
    public const int MaxLength = 32;

    public static bool IsValid(string? text) => text is { Length: > 0 and <= MaxLength } && text.All(char.IsAsciiLetterOrDigit);

    /// <summary>Upper-case, or null for an empty or invalid text.</summary>
    public static string? Canonical(string? text) => IsValid(text) ? text!.ToUpperInvariant() : null;

    /// <summary>Keeps the first six and the last four characters of a long number (310115********123X), the last
    /// two of a short one; anything else becomes ***.</summary>
    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!IsValid(text))
        {
            return "***";
        }

        var keepStart = text.Length >= 14 ? 6 : 0;
        var keepEnd = text.Length >= 14 ? 4 : Math.Min(2, text.Length / 2);
        return string.Concat(text.AsSpan(0, keepStart), new string('*', text.Length - keepStart - keepEnd), text.AsSpan(text.Length - keepEnd));
    }
}
