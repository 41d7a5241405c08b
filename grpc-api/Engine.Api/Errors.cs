using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Engine.Api;

/// <summary>Builds the gRPC errors callers see: the right code, a sentence, and for bad input the fields named
/// in google.rpc.BadRequest.</summary>
public static class Errors
{
    [DoesNotReturn]
    public static void ThrowInvalid(string field, string description) => throw Invalid([(field, description)]);

    /// <summary>How many violations an answer lists: the status travels in HTTP/2 trailers, which clients accept up to
    /// 64 KiB, and a request with a thousand bad elements would otherwise get an answer no client can read.</summary>
    public const int MaxListedViolations = 20;

    public static RpcException Invalid(IReadOnlyList<(string Field, string Description)> violations)
    {
        var listed = violations.Take(MaxListedViolations).ToList();
        var badRequest = new BadRequest();
        foreach (var (field, description) in listed)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        var message = violations.Count == 1
            ? $"{violations[0].Field}: {violations[0].Description}"
            : $"{violations.Count} fields are invalid: " + string.Join("; ", listed.Select(v => $"{v.Field}: {v.Description}"))
                + (violations.Count > listed.Count ? $"; and {violations.Count - listed.Count} more" : string.Empty);
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    /// <summary>A caller's value as an answer may quote it: at most 64 characters, control and formatting characters
    /// shown as U+FFFD. Answers' messages are logged (grpc-dotnet logs every error status), so a raw line break in a
    /// quoted value would forge a log line.</summary>
    public static string Quote(string value)
    {
        var shown = string.Concat((value.Length <= 64 ? value : value[..64]).Select(c =>
            char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? '\uFFFD' : c));
        return $"'{shown}{(value.Length > 64 ? "…" : string.Empty)}'";
    }

    public static RpcException NotFound(string message) => Plain(StatusCode.NotFound, message);

    public static RpcException Precondition(string message) => Plain(StatusCode.FailedPrecondition, message);

    public static RpcException Plain(StatusCode code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}
