using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.EndToEnd;

/// <summary>The self-service search is limited per key and end user ("x-end-user"), apart from other end users.</summary>
public sealed class KnowledgeSelfServiceLimitTests
{
    [Fact]
    public async Task Public_searches_beyond_an_end_users_limit_are_refused_while_another_end_user_still_searches()
    {
        await using var engine = await EngineInstance.StartAsync(null, "--Engine:Security:PublicSearch:PerSourcePerMinute=2");
        var search = new V1.PublicSearchRequest { Text = "立案需要什么材料", Channel = V1.Channel.Kiosk };
        Metadata As(string who) => new() { { "x-end-user", who } };
        await engine.Knowledge.PublicSearchAsync(search, As("10.1.1.1"));
        await engine.Knowledge.PublicSearchAsync(search, As("10.1.1.1"));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await engine.Knowledge.PublicSearchAsync(search, As("10.1.1.1")));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.NotNull(await engine.Knowledge.PublicSearchAsync(search, As("10.2.2.2")));
    }
}
