using System.Collections.Immutable;
using Engine.Api.Security;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.Api;

/// <summary>What counts as a key narrowed under an open stream (which ends it with PERMISSION_DENIED), and what leaves
/// the stream as it was opened.</summary>
public sealed class KeyNarrowingTests
{
    [Theory]
    [InlineData("subscriber", "", true, "subscriber", "", true, false)]
    [InlineData("subscriber", "", true, "subscriber", "", false, true)]
    [InlineData("subscriber", "", false, "subscriber", "", true, false)]
    [InlineData("subscriber", "", false, "subscriber", "sh-pudong", false, true)]
    [InlineData("subscriber", "*", false, "subscriber", "sh-pudong", false, true)]
    [InlineData("subscriber", "sh-pudong,sh-huangpu", false, "subscriber", "sh-pudong", false, true)]
    [InlineData("subscriber", "sh-pudong", false, "subscriber", "sh-pudong,sh-huangpu", false, false)]
    [InlineData("subscriber", "sh-pudong", false, "subscriber", "*", false, false)]
    [InlineData("subscriber", "sh-pudong", false, "subscriber", "", false, false)]
    [InlineData("supervisor", "", false, "subscriber", "", false, true)]
    public void A_stream_ends_when_its_key_reaches_less_than_when_the_stream_was_opened(
        string roleBefore, string courtsBefore, bool personalBefore, string roleNow, string courtsNow, bool personalNow, bool narrowed)
    {
        var before = Principal.From(Key(roleBefore, courtsBefore, personalBefore));

        Assert.Equal(narrowed, KeyWatch.Narrows(before, Key(roleNow, courtsNow, personalNow)));
    }

    [Fact]
    public void A_channel_key_that_loses_a_channel_or_a_judge_key_given_to_another_judge_is_narrowed()
    {
        var channel = Key("channel", string.Empty, false) with { Scope = new AccessScope([Channel.Hotline, Channel.Web], [], null, false) };
        var judge = Key("judge", string.Empty, false) with { Scope = new AccessScope([], [], "judge-1", false) };

        Assert.True(KeyWatch.Narrows(Principal.From(channel), channel with { Scope = channel.Scope with { Channels = [Channel.Hotline] } }));
        Assert.False(KeyWatch.Narrows(Principal.From(channel), channel));
        Assert.True(KeyWatch.Narrows(Principal.From(judge), judge with { Scope = judge.Scope with { JudgeId = "judge-2" } }));
    }

    private static ApiKeyInfo Key(string role, string courts, bool personalData) => new(
        "ABCDEFGHJKLM",
        "test",
        role switch { "subscriber" => AccessRole.Subscriber, "supervisor" => AccessRole.Supervisor, "channel" => AccessRole.Channel, _ => AccessRole.Judge },
        new AccessScope([], courts.Length == 0 ? [] : [.. courts.Split(',')], null, personalData),
        DateTimeOffset.UnixEpoch,
        "engine",
        null,
        null,
        null,
        0,
        null,
        ImmutableArray.Create(new byte[32]));
}
