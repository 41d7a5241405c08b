using System.Security.Cryptography;
using System.Text;

namespace Engine.Domain;

/// <summary>Mainland phone numbers: validation, a canonical form for matching, masking for logs and events, and a
/// keyed pseudonym for where a number would otherwise be a grain key.</summary>
public static class Phone
{
    /// <summary>The digits of a valid number without separators or +86, or null when it is not a valid number.</summary>
    public static string? Canonical(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return null;
        }

        Span<char> digits = stackalloc char[32];
        var n = 0;
        var span = text.AsSpan().Trim();
        if (span.StartsWith("+86", StringComparison.Ordinal))
        {
            span = span[3..];
        }

        foreach (var c in span)
        {
            if (c is >= '0' and <= '9')
            {
                digits[n++] = c;
            }
            else if (c is not (' ' or '-'))
            {
                return null;
            }
        }

        var d = digits[..n];
        var mobile = n == 11 && d[0] == '1' && d[1] is >= '3' and <= '9';
        var landline = n is >= 10 and <= 12 && d[0] == '0' && d[1] != '0';
        return mobile || landline ? new string(d) : null;
    }

    public static bool IsValid(string? text) => Canonical(text) is not null;

    /// <summary>Keeps the first three and last four digits: 138****0000. Anything else becomes ***.</summary>
    public static string Mask(string? text)
    {
        var canonical = Canonical(text);
        if (canonical is null)
        {
            return string.IsNullOrEmpty(text) ? string.Empty : "***";
        }

        return string.Concat(canonical.AsSpan(0, 3), new string('*', canonical.Length - 7), canonical.AsSpan(canonical.Length - 4));
    }

    /// <summary>32 hex digits that stand for <paramref name="phone"/> under <paramref name="key"/> (HMAC-SHA256, cut to
    /// 128 bits): the same number and key always give the same pseudonym, and without the key it cannot be turned back
    /// into the number by trying every number.</summary>
    public static string Pseudonym(string phone, ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(phone), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }
}
