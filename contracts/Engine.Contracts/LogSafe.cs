using System.Globalization;
using System.Text;

namespace Engine.Contracts;

/// <summary>
/// What the records that carry personal data show of themselves. Orleans logs grain responses with their
/// <c>ToString()</c> at trace level, and a record's generated one lists every member: those records define
/// <c>PrintMembers</c> with this, naming ids, kinds and states, never a name, a phone, a password or a caller's text.
/// </summary>
internal static class LogSafe
{
    public static bool Print(StringBuilder builder, FormattableString members)
    {
        builder.Append(members.ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
