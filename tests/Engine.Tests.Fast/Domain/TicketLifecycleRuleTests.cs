using Engine.Domain;

namespace Engine.Tests.DomainTests;

/// <summary>Which command each ticket state allows, as a table.</summary>
public sealed class TicketLifecycleRuleTests
{
    private const TicketState Received = TicketState.Received;
    private const TicketState AnsweredOnSpot = TicketState.AnsweredOnSpot;
    private const TicketState Dispatched = TicketState.Dispatched;
    private const TicketState Accepted = TicketState.Accepted;
    private const TicketState Replied = TicketState.Replied;
    private const TicketState Closed = TicketState.Closed;
    private const TicketState Returned = TicketState.Returned;
    private const TicketState Reopened = TicketState.Reopened;

    /// <summary>Each command and the only states it is allowed from; every other state refuses it.</summary>
    private static readonly Dictionary<TicketCommand, TicketState[]> Allowed = new()
    {
        [TicketCommand.AnswerOnSpot] = [Received, Returned],
        [TicketCommand.Dispatch] = [Received, Returned],
        [TicketCommand.Accept] = [Dispatched, Reopened],
        [TicketCommand.Reply] = [Dispatched, Accepted, Reopened],
        [TicketCommand.Transfer] = [Dispatched, Accepted, Reopened],
        [TicketCommand.ReturnToPlatform] = [Dispatched, Accepted, Reopened],
        [TicketCommand.Close] = [Replied, AnsweredOnSpot],
        [TicketCommand.Reopen] = [Closed, Replied],
        [TicketCommand.Cancel] = [Received, Dispatched, Accepted, Returned, Reopened],
        [TicketCommand.PauseClock] = [Received, Dispatched, Accepted, Returned, Reopened],
        [TicketCommand.ResumeClock] = [Received, Dispatched, Accepted, Returned, Reopened],
        [TicketCommand.ExtendDeadline] = [Received, Dispatched, Accepted, Returned, Reopened],
        [TicketCommand.FireDeadline] = [Received, Dispatched, Accepted, Returned, Reopened],
        [TicketCommand.Reroute] = [Received, Dispatched, Accepted, Returned, Reopened],
        [TicketCommand.RecordCallback] = [Received, Dispatched, Accepted],
        [TicketCommand.Rate] = [Closed, AnsweredOnSpot],
        [TicketCommand.RecordFilingDecision] = [Dispatched, Accepted, Reopened, Replied, Closed],
    };

    public static TheoryData<TicketState, TicketCommand, bool> Table()
    {
        var table = new TheoryData<TicketState, TicketCommand, bool>();
        foreach (var command in Enum.GetValues<TicketCommand>())
        {
            foreach (var state in Enum.GetValues<TicketState>())
            {
                table.Add(state, command, Allowed[command].Contains(state));
            }
        }

        return table;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_state_allows_exactly_the_commands_of_the_table(TicketState state, TicketCommand command, bool allowed)
    {
        Assert.Equal(allowed, TicketLifecycle.Allows(state, command));
    }

    [Fact]
    public void The_table_names_every_command()
    {
        Assert.Equal(Enum.GetValues<TicketCommand>().Order(), Allowed.Keys.Order());
    }

    [Theory]
    [InlineData(TicketState.Unspecified)]
    [InlineData(TicketState.Closed)]
    [InlineData(TicketState.Merged)]
    [InlineData(TicketState.Cancelled)]
    public void Unspecified_closed_merged_and_cancelled_tickets_take_no_command_but_reopen_rating_and_a_filing_decision_at_most(TicketState state)
    {
        var allowed = Enum.GetValues<TicketCommand>().Where(c => TicketLifecycle.Allows(state, c)).ToArray();

        Assert.Equal(state == TicketState.Closed ? [TicketCommand.Reopen, TicketCommand.Rate, TicketCommand.RecordFilingDecision] : [], allowed);
    }

    [Theory]
    [InlineData(TicketState.Received, true)]
    [InlineData(TicketState.Dispatched, true)]
    [InlineData(TicketState.Accepted, true)]
    [InlineData(TicketState.Returned, true)]
    [InlineData(TicketState.Reopened, true)]
    [InlineData(TicketState.Unspecified, false)]
    [InlineData(TicketState.AnsweredOnSpot, false)]
    [InlineData(TicketState.Replied, false)]
    [InlineData(TicketState.Closed, false)]
    [InlineData(TicketState.Merged, false)]
    [InlineData(TicketState.Cancelled, false)]
    public void A_ticket_is_open_until_it_is_answered_replied_closed_merged_or_cancelled(TicketState state, bool open)
    {
        Assert.Equal(open, TicketLifecycle.IsOpen(state));
    }

    [Fact]
    public void An_unknown_command_is_refused()
    {
        Assert.False(TicketLifecycle.Allows(TicketState.Received, (TicketCommand)999));
    }

    [Fact]
    public void A_refusal_names_the_state_and_the_command()
    {
        var refusal = TicketLifecycle.Refusal(TicketState.Closed, TicketCommand.Reply);

        Assert.Contains("Closed", refusal, StringComparison.Ordinal);
        Assert.Contains("Reply", refusal, StringComparison.Ordinal);
    }
}
