using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Engine.Api;

namespace Engine.Silo.Supervision;

/// <summary>
/// The one user allowed on the HTTP/1.1 endpoint (dashboard and supervision page) when it is reachable from other
/// machines. Only the SHA-256 of the password is configured, so the settings file never holds the password itself;
/// both the user and the password are compared through fixed-length digests in constant time, so a wrong guess takes
/// as long whatever it shares with the right one.
/// </summary>
public sealed class HttpCredentials
{
    public const string UserSetting = "Engine:Http:User";
    public const string PasswordSetting = "Engine:Http:PasswordSha256";

    private readonly byte[] _userDigest;
    private readonly byte[] _passwordDigest;

    public HttpCredentials(string user, string passwordSha256)
    {
        if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
        {
            throw new StartupException($"{UserSetting} must be a user name without ':' (HTTP Basic authentication cannot carry one)");
        }

        if (passwordSha256.Length != SHA256.HashSizeInBytes * 2 || !passwordSha256.All(char.IsAsciiHexDigit))
        {
            throw new StartupException(
                $"{PasswordSetting} must be the 64 hex digits of the password's SHA-256, e.g. the output of: printf %s 'the-password' | sha256sum");
        }

        User = user;
        _userDigest = SHA256.HashData(Encoding.UTF8.GetBytes(user));
        _passwordDigest = Convert.FromHexString(passwordSha256);
    }

    public string User { get; }

    /// <summary>The credentials the endpoint must ask for: null when it may stay open (bound to loopback and no user
    /// configured). Throws <see cref="StartupException"/> naming both settings when the endpoint is reachable from
    /// other machines without them, or when only one of them is set.</summary>
    public static HttpCredentials? For(IPEndPoint endpoint, string? user, string? passwordSha256)
    {
        var (hasUser, hasPassword) = (!string.IsNullOrWhiteSpace(user), !string.IsNullOrWhiteSpace(passwordSha256));
        if (hasUser && hasPassword)
        {
            return new HttpCredentials(user!.Trim(), passwordSha256!.Trim());
        }

        if (hasUser || hasPassword)
        {
            throw new StartupException(
                $"{UserSetting} and {PasswordSetting} go together: {(hasUser ? PasswordSetting : UserSetting)} is missing");
        }

        if (IPAddress.IsLoopback(endpoint.Address))
        {
            return null;
        }

        throw new StartupException(string.Create(CultureInfo.InvariantCulture,
            $"the dashboard endpoint {endpoint} is not a loopback address, so /dashboard and /supervision need a login: set {UserSetting} and {PasswordSetting} (the hex SHA-256 of the password: printf %s 'the-password' | sha256sum)"));
    }

    /// <summary>Whether an Authorization header carries this user and password (HTTP Basic, UTF-8).</summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = authorization.AsSpan(scheme.Length).Trim();
        var decoded = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, decoded, out var length))
        {
            return false;
        }

        var pair = decoded.AsSpan(0, length);
        var colon = pair.IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }

        var userMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(pair[..colon]), _userDigest);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(pair[(colon + 1)..]), _passwordDigest);
        CryptographicOperations.ZeroMemory(decoded);
        return userMatches & passwordMatches;
    }
}
