using Engine.Contracts;
using Engine.Storage.Databases;

namespace Engine.Grains.Hosting;

/// <summary>
/// Turns "the database cannot be reached" into the engine's UNAVAILABLE refusal, and "its disk is full" into
/// RESOURCE_EXHAUSTED, at the grain boundary, whichever store (the engine's tables or Orleans' grain state) met it, so
/// that callers get a status they may retry, with a sentence and no stack, instead of an internal error, and the
/// front-ends need not know the database's exception types.
/// </summary>
internal sealed class DatabaseUnavailableFilter(Database database) : IIncomingGrainCallFilter
{
    public const string Message = "the database is unavailable; retry with the same idempotency key";

    public const string FullMessage = "the engine's storage is full, so nothing more can be stored until an operator frees space; retry later with the same idempotency key";

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (ex is not EngineException && database.IsFull(ex))
        {
            throw new EngineException(EngineErrorKind.ResourceExhausted, FullMessage);
        }
        catch (Exception ex) when (ex is not EngineException && database.IsUnavailable(ex))
        {
            throw new EngineException(EngineErrorKind.Unavailable, Message);
        }
    }
}
