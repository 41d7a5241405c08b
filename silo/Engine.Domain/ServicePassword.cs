using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Engine.Domain;

/// <summary>
/// Litigation-service passwords are kept only as salted PBKDF2-SHA256 hashes ("pbkdf2-sha256$iterations$salt$hash")
/// and compared in constant time.
/// </summary>
public static class ServicePassword
{
    public const int DefaultIterations = 100_000;
    private const int SaltBytes = 16;
    private const int MinIterations = 1;
    private const int MaxIterations = 10_000_000;
    private const int HashBytes = 32;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', "pbkdf2-sha256", iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>True when the password matches. With no stored hash, a dummy hash is still computed so that
    /// "no such case" and "wrong password" take the same time.</summary>
    public static bool Verify(string password, string? stored)
    {
        var valid = TryParse(stored, out var iterations, out var salt, out var expected);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && valid;
    }

    /// <summary>Reads a stored hash; a missing or corrupt one yields a dummy of the default cost, and false.</summary>
    private static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] expected)
    {
        iterations = DefaultIterations;
        salt = new byte[SaltBytes];
        expected = new byte[HashBytes];
        var parts = stored?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != "pbkdf2-sha256"
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < MinIterations or > MaxIterations)
        {
            return false;
        }

        Span<byte> saltBytes = stackalloc byte[64];
        Span<byte> hashBytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(parts[2], saltBytes, out var saltLength) || saltLength < 8
            || !Convert.TryFromBase64String(parts[3], hashBytes, out var hashLength) || hashLength != HashBytes)
        {
            return false;
        }

        iterations = n;
        salt = saltBytes[..saltLength].ToArray();
        expected = hashBytes[..hashLength].ToArray();
        return true;
    }
}
