using Google.Rpc;
using Grpc.Core;

namespace Engine.Tests.Support;

public static class RpcAssert
{
    /// <summary>Asserts the call fails with INVALID_ARGUMENT naming <paramref name="field"/> in google.rpc.BadRequest.</summary>
    public static async Task<RpcException> InvalidFieldAsync(string field, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        AssertInvalidField(ex, field);
        return ex;
    }

    public static void AssertInvalidField(RpcException ex, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
    }

    public static async Task<RpcException> StatusAsync(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, ex.StatusCode);
        return ex;
    }
}
