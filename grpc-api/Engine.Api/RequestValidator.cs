namespace Engine.Api;

/// <summary>Collects every field violation of a request, then throws them together as INVALID_ARGUMENT.</summary>
public sealed class RequestValidator
{
    private readonly List<(string Field, string Description)> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public void Add(string field, string description) => _violations.Add((field, description));

    /// <summary>A time between 2000 and 2100 (anything else is a mistake, not a date a court deals in).</summary>
    public static bool IsReasonable(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is not null && t.Seconds is >= 946_684_800 and < 4_102_444_800 && t.Nanos is >= 0 and < 1_000_000_000;

    public void RequireTime(string field, Google.Protobuf.WellKnownTypes.Timestamp? value)
    {
        if (!IsReasonable(value))
        {
            Add(field, "is required, a time between 2000 and 2100");
        }
    }

    /// <summary>A required enum: defined, and not its UNSPECIFIED value.</summary>
    public void RequireEnum<T>(string field, T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            Add(field, $"{Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)} is not a known {typeof(T).Name}");
        }
        else if (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            Add(field, "is required");
        }
    }

    /// <summary>An optional enum: unspecified or defined.</summary>
    public void OptionalEnum<T>(string field, T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            Add(field, $"{Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)} is not a known {typeof(T).Name}");
        }
    }

    /// <summary>Text that is required and at most <paramref name="maxLength"/> characters, without control characters.</summary>
    public void RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
            return;
        }

        OptionalText(field, value, maxLength);
    }

    public void OptionalText(string field, string? value, int maxLength, bool multiline = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"is longer than {maxLength} characters");
        }
        else if (HasForbiddenCharacters(value, multiline))
        {
            Add(field, multiline ? "contains control characters" : "contains control characters or line breaks");
        }
    }

    /// <summary>An id (of a court, division, person, rule...): at most <see cref="SubmitValidation.MaxIdLength"/>
    /// characters, not blank, without control characters, line breaks, formatting characters or braces. Ids are shown
    /// and logged as they are, so a right-to-left override or an invisible character would disguise them; court ids
    /// are grain keys, and Orleans' ADO.NET storage passes its keys through string.Format: a brace would fail every
    /// write of that court.</summary>
    public void RequireId(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
            return;
        }

        OptionalId(field, value);
    }

    /// <summary>Empty, or an id as <see cref="RequireId"/> wants it.</summary>
    public void OptionalId(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var before = _violations.Count;
        OptionalText(field, value, SubmitValidation.MaxIdLength);
        if (_violations.Count > before)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is blank: leave it empty or give an id");
        }
        else if (value.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            Add(field, "must not contain '{' or '}'");
        }
        else if (value.Any(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
        {
            Add(field, "contains formatting characters (such as a right-to-left override or a zero-width space)");
        }
    }

    /// <summary>Free text measured in UTF-8 bytes, line breaks and tabs allowed.</summary>
    public void RequireContent(string field, string? value, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(value) > maxBytes)
        {
            Add(field, $"is larger than {maxBytes / 1024} KiB of UTF-8");
        }
        else if (HasForbiddenCharacters(value, multiline: true))
        {
            Add(field, "contains control characters");
        }
    }

    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0)
        {
            throw Errors.Invalid(_violations);
        }
    }

    private static bool HasForbiddenCharacters(string value, bool multiline)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return true;
            }

            // A lone surrogate means the text was not valid UTF-16 (and so not valid UTF-8 on the wire).
            if (char.IsSurrogate(c))
            {
                return !IsWellFormed(value);
            }
        }

        return false;
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
