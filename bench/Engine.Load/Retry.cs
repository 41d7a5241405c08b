using Grpc.Core;

namespace Engine.Load;

/// <summary>The set-up calls of a run (a directory import, case upserts) retried as a channel adapter retries them:
/// the engine answers UNAVAILABLE when a grain did not answer within its wait (a cold engine on one pinned CPU does),
/// and each of these calls may be repeated without effect.</summary>
internal static class Retry
{
    public static async Task UnavailableAsync(Func<Task> call, string what, int attempts = 10)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && attempt < attempts)
            {
                Console.WriteLine($"  {what} answered UNAVAILABLE ({ex.Status.Detail}); again");
            }
        }
    }
}
