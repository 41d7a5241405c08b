using Engine.Contracts;
using Orleans.Storage;
using Engine.Storage.Databases;

namespace Engine.Grains.Hosting;

/// <summary>
/// Turns "the database cannot be reached" (or "it ended the transaction to break a deadlock", which a retry gets past:
/// decision 76) into the engine's UNAVAILABLE refusal, and "its disk is full" into
/// RESOURCE_EXHAUSTED, whichever store (the engine's tables or Orleans' grain state) met it, so that callers get a
/// status they may retry, with a sentence and no stack, instead of an internal error, and the front-ends need not know
/// the database's exception types (a driver's exception cannot even cross to a front-end: Orleans has no codec for it).
/// </summary>
internal sealed class StorageRefusals(Database database)
{
    public const string Message = "the database is unavailable; retry with the same idempotency key";

    public const string FullMessage = "the engine's storage is full, so nothing more can be stored until an operator frees space; retry later with the same idempotency key";

    /// <summary>The refusal a caller should get for <paramref name="ex"/>, or null when it is not the database's.</summary>
    public EngineException? For(Exception ex) => ex switch
    {
        EngineException => null,
        _ when database.IsFull(ex) => new EngineException(EngineErrorKind.ResourceExhausted, FullMessage),
        _ when database.IsUnavailable(ex) || database.IsConflict(ex) => new EngineException(EngineErrorKind.Unavailable, Message),
        _ => null,
    };

    public async Task Guard(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (For(ex) is { } refusal)
        {
            throw refusal;
        }
    }
}

/// <summary>Refuses, as <see cref="StorageRefusals"/> says, what a grain call met.</summary>
internal sealed class DatabaseUnavailableFilter(StorageRefusals refusals) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) => refusals.Guard(context.Invoke);
}

/// <summary>
/// Orleans' grain storage with the same refusals. A grain's state is read while it is being activated, before any call
/// filter runs; a database that is down then failed the activation with the driver's own exception, which reached a
/// front-end as INTERNAL (seen in the nemesis run while PostgreSQL restarted). A write waits for the process's turn to
/// write on a database with one writer (<see cref="Database.EnterWriterAsync"/>, decision 69).
/// </summary>
internal sealed class RefusingGrainStorage(IGrainStorage inner, StorageRefusals refusals, Database database) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        refusals.Guard(() => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        refusals.Guard(async () =>
        {
            using var turn = await database.EnterWriterAsync();
            await inner.WriteStateAsync(stateName, grainId, grainState);
        });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        refusals.Guard(async () =>
        {
            using var turn = await database.EnterWriterAsync();
            await inner.ClearStateAsync(stateName, grainId, grainState);
        });
}
