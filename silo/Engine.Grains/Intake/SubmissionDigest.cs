using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Engine.Contracts;

namespace Engine.Grains.Intake;

/// <summary>
/// What a submission said, as a digest kept with the ticket it made: a second submission with the same idempotency
/// key is a retry only when its digest is the same (ALREADY_EXISTS otherwise). It covers every field the caller
/// controls, as the edge normalised them (a case number, a phone written another way, is the same), and nothing the
/// engine derives: the key itself (the look-up already matched it, with the channel), the ticket id, the route, the
/// times. Kept rather than compared with the ticket's fields, which change as the ticket moves on (a routed court, a
/// transfer, a moved case): a retry is answered the same however long after.
/// </summary>
/// <remarks>The encoding is stored, so it never changes; a new one gets a new prefix and the old one stays
/// readable.</remarks>
internal static class SubmissionDigest
{
    private const string Prefix = "s1:";

    public static string Of(NewTicket submission)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Number(hash, (int)submission.Channel);
        Number(hash, (int)submission.Kind);
        Number(hash, (int)submission.SubKind);
        Text(hash, submission.CourtId);
        Text(hash, submission.CaseNumber);
        Text(hash, submission.Caller.Name);
        Text(hash, submission.Caller.Phone);
        Number(hash, (int)submission.Caller.Role);
        Text(hash, submission.Content);
        Number(hash, (int)submission.Priority);
        var attachments = submission.Attachments.IsDefault ? [] : submission.Attachments;
        Number(hash, attachments.Length);
        foreach (var attachment in attachments)
        {
            Text(hash, attachment);
        }

        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="submission"/> repeats the one that made a ticket with <paramref name="stored"/>.
    /// A ticket stored before digests were kept has none, and is answered as it always was: as a retry.</summary>
    public static bool Repeats(string? stored, NewTicket submission) => stored is null || stored == Of(submission);

    private static void Number(IncrementalHash hash, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }

    /// <summary>Absent (-1) apart from empty (0), then the length and the UTF-8 bytes, so no two lists of fields
    /// run together into the same bytes.</summary>
    private static void Text(IncrementalHash hash, string? value)
    {
        if (value is null)
        {
            Number(hash, -1);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        Number(hash, bytes.Length);
        hash.AppendData(bytes);
    }
}
