using System.Buffers.Text;
using System.Text;
using Engine.Api;
using Engine.Contracts;
using Engine.Domain;

namespace Engine.Tests.DomainTests;

/// <summary>Opaque page tokens: good only for the query that made them.</summary>
public sealed class PageTokenTests
{
    private const string LastId = "T01JNQ8ZK4V3M2X1Y0W9R8S7P6Q";

    private static readonly TicketQuery Query = new(
        AssigneeType.Judge, "judge-1", "court-a", "(2019)沪0115民初12345号", TicketState.Dispatched, TicketKind.ContactJudge,
        PageSize: 50, AfterTicketId: null, OldestFirst: false);

    [Fact]
    public void A_token_decodes_to_its_last_ticket_id_for_the_same_query()
    {
        var token = PageTokens.Encode(Query, LastId);

        Assert.Equal(LastId, PageTokens.Decode(Query, token));
    }

    [Fact]
    public void A_token_is_url_safe_and_does_not_show_the_filters_in_clear()
    {
        var token = PageTokens.Encode(Query, LastId);

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.DoesNotContain("judge-1", token, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_still_decodes_with_another_page_size_or_cursor()
    {
        var token = PageTokens.Encode(Query, LastId);

        Assert.Equal(LastId, PageTokens.Decode(Query with { PageSize = 10, AfterTicketId = LastId }, token));
    }

    public static TheoryData<string, TicketQuery> OtherQueries() => new()
    {
        { "assignee type", Query with { AssigneeType = AssigneeType.Division } },
        { "assignee", Query with { AssigneeId = "judge-2" } },
        { "no assignee", Query with { AssigneeId = null } },
        { "court", Query with { CourtId = "court-b" } },
        { "case", Query with { CaseNumber = "(2019)沪0115民初12346号" } },
        { "state", Query with { State = TicketState.Closed } },
        { "kind", Query with { Kind = TicketKind.Suggestion } },
        { "order", Query with { OldestFirst = true } },
    };

    [Theory]
    [MemberData(nameof(OtherQueries))]
    public void A_token_is_refused_for_a_query_with_another_filter_or_order(string changed, TicketQuery other)
    {
        var token = PageTokens.Encode(Query, LastId);

        Assert.True(PageTokens.Decode(other, token) is null, $"a token made before changing the {changed} was accepted");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("not a token!")]
    [InlineData("%%%%")]
    [InlineData("AAAA")]
    [InlineData("====")]
    public void A_garbage_token_is_refused(string token)
    {
        Assert.Null(PageTokens.Decode(Query, token));
    }

    [Theory]
    [InlineData("p2|{0}|" + LastId)]
    [InlineData("p1|0000000000000000|" + LastId)]
    [InlineData("p1|{0}|not-a-ticket-id")]
    [InlineData("p1|{0}|" + LastId + "|extra")]
    [InlineData("p1|{0}")]
    public void A_token_of_the_right_encoding_but_the_wrong_content_is_refused(string content)
    {
        var fingerprint = Decoded(PageTokens.Encode(Query, LastId)).Split('|')[1];
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, content, fingerprint)));

        Assert.Null(PageTokens.Decode(Query, forged));
    }

    private static string Decoded(string token) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
}
