namespace Engine.Client.Tests.Support;

/// <summary>One engine for the tests that neither restart it nor need keys.</summary>
public sealed class SharedEngine : IAsyncLifetime
{
    private EngineServer? _server;

    public EngineServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await EngineServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedEngineGroup : ICollectionFixture<SharedEngine>
{
    public const string Name = "shared engine";
}
