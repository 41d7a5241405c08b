using System.Security.Cryptography;
using System.Text;

namespace Engine.Domain;

/// <summary>
/// API keys: "cek_" + a 12-character key id (Crockford base-32, public: it names the key in lists and the audit log)
/// + "_" + a 43-character secret (32 random bytes, base64url). Only the SHA-256 of the secret is stored: the secret
/// has 256 random bits, so a slow hash would add nothing against guessing and would cost every call.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "cek_";
    public const int KeyIdLength = 12;
    private const int SecretBytes = 32;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new key id, secret and the whole key as the caller presents it.</summary>
    public static (string KeyId, string Secret, string Key) Generate()
    {
        Span<char> id = stackalloc char[KeyIdLength];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        var keyId = new string(id);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (keyId, secret, Prefix + keyId + "_" + secret);
    }

    /// <summary>Splits a presented key into its id and secret; false for anything not shaped like a key.</summary>
    public static bool TryParse(string? key, out string keyId, out string secret)
    {
        keyId = secret = string.Empty;
        if (key is null || key.Length != Prefix.Length + KeyIdLength + 1 + 43 || !key.StartsWith(Prefix, StringComparison.Ordinal)
            || key[Prefix.Length + KeyIdLength] != '_')
        {
            return false;
        }

        keyId = key.Substring(Prefix.Length, KeyIdLength);
        secret = key[(Prefix.Length + KeyIdLength + 1)..];
        return keyId.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    /// <summary>Compares in constant time (for a given length).</summary>
    public static bool Matches(string secret, ReadOnlySpan<byte> storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    /// <summary>The SHA-256 of a certificate's DER bytes as 64 lowercase hex digits, the form keys are bound by.</summary>
    public static string CertificateSha256(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
