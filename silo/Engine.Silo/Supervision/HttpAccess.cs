namespace Engine.Silo.Supervision;

/// <summary>The login the HTTP/1.1 endpoint asks for, decided once at start-up; none when it may stay open.</summary>
public sealed record HttpAccess(HttpCredentials? Credentials);
