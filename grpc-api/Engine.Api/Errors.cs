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

    public static RpcException Invalid(IReadOnlyList<(string Field, string Description)> violations)
    {
        var badRequest = new BadRequest();
        foreach (var (field, description) in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        var message = violations.Count == 1
            ? $"{violations[0].Field}: {violations[0].Description}"
            : $"{violations.Count} fields are invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    public static RpcException NotFound(string message) => Plain(StatusCode.NotFound, message);

    public static RpcException Precondition(string message) => Plain(StatusCode.FailedPrecondition, message);

    public static RpcException Plain(StatusCode code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}
