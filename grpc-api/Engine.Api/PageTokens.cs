using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Engine.Contracts;

namespace Engine.Api;

/// <summary>
/// Opaque page tokens: the last ticket id of the page (a keyset cursor, so pages stay stable while tickets are
/// inserted), the order, and a fingerprint of the filters so that a token is refused with other filters.
/// </summary>
public static class PageTokens
{
    private const string Version = "p1";

    public static string Encode(TicketQuery query, string lastTicketId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', Version, Fingerprint(query), lastTicketId)));

    /// <summary>The ticket id to continue after, or null when the token is not one this query made.</summary>
    public static string? Decode(TicketQuery query, string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            return parts.Length == 3 && parts[0] == Version && parts[1] == Fingerprint(query) && Domain.TicketIds.LooksValid(parts[2])
                ? parts[2]
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Fingerprint(TicketQuery q)
    {
        var text = string.Join('\u001f', q.AssigneeType, q.AssigneeId, q.CourtId, q.CaseNumber, q.State, q.Kind, q.OldestFirst);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }
}
