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
        var parts = stored?.Split('$');
        var valid = parts is { Length: 4 } && parts[0] == "pbkdf2-sha256";
        var iterations = valid && int.TryParse(parts![1], CultureInfo.InvariantCulture, out var n) ? n : DefaultIterations;
        var salt = valid ? Convert.FromBase64String(parts![2]) : new byte[SaltBytes];
        var expected = valid ? Convert.FromBase64String(parts![3]) : new byte[HashBytes];
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && valid;
    }
}
