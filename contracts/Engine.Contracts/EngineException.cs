namespace Engine.Contracts;

[GenerateSerializer]
public enum EngineErrorKind
{
    InvalidArgument = 0,
    NotFound = 1,
    FailedPrecondition = 2,
    AlreadyExists = 3,
    Unavailable = 4,
    PermissionDenied = 5,

    /// <summary>The engine's storage is full: nothing more can be written until an operator frees space.</summary>
    ResourceExhausted = 6,
    /// <summary>Another write got there first (a version check failed): nothing was written, and the same call again
    /// reads the new state and is safe to send.</summary>
    Aborted = 7,
}

/// <summary>
/// A refusal a caller can act on, raised by grains and mapped by the gRPC edge to a status code
/// (with the field named for INVALID_ARGUMENT). Its message is written for a person and holds no personal data.
/// </summary>
[GenerateSerializer]
public sealed class EngineException : Exception
{
    public EngineException()
    {
    }

    public EngineException(string message)
        : base(message)
    {
    }

    public EngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EngineException(EngineErrorKind kind, string message, string? field = null)
        : base(message)
    {
        Kind = kind;
        Field = field;
    }

    [Id(0)]
    public EngineErrorKind Kind { get; private set; }

    [Id(1)]
    public string? Field { get; private set; }

    public static EngineException NotFound(string what) => new(EngineErrorKind.NotFound, what);

    public static EngineException Precondition(string why) => new(EngineErrorKind.FailedPrecondition, why);

    public static EngineException Invalid(string field, string why) => new(EngineErrorKind.InvalidArgument, why, field);

    public static EngineException Denied(string why) => new(EngineErrorKind.PermissionDenied, why);

    public static EngineException Conflict(string why) => new(EngineErrorKind.Aborted, why);
}
