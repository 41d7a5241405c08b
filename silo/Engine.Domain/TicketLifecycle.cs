namespace Engine.Domain;

/// <summary>The commands a ticket accepts and the states each is allowed from (DESIGN.md §3, States).</summary>
public enum TicketCommand
{
    AnswerOnSpot,
    Dispatch,
    Accept,
    Reply,
    Transfer,
    ReturnToPlatform,
    Close,
    Reopen,
    Cancel,
    PauseClock,
    ResumeClock,
    Reroute,
    RecordCallback,
    ExtendDeadline,
    FireDeadline,
    Rate,
    RecordFilingDecision,
}

public static class TicketLifecycle
{
    public static bool IsOpen(TicketState state) =>
        state is TicketState.Received or TicketState.Dispatched or TicketState.Accepted
            or TicketState.Returned or TicketState.Reopened;

    public static bool Allows(TicketState state, TicketCommand command) => command switch
    {
        TicketCommand.AnswerOnSpot => state is TicketState.Received or TicketState.Returned,
        TicketCommand.Dispatch => state is TicketState.Received or TicketState.Returned,
        TicketCommand.Accept => state is TicketState.Dispatched or TicketState.Reopened,
        TicketCommand.Reply => state is TicketState.Dispatched or TicketState.Accepted or TicketState.Reopened,
        TicketCommand.Transfer => state is TicketState.Dispatched or TicketState.Accepted or TicketState.Reopened,
        TicketCommand.ReturnToPlatform => state is TicketState.Dispatched or TicketState.Accepted or TicketState.Reopened,
        TicketCommand.Close => state is TicketState.Replied or TicketState.AnsweredOnSpot,
        TicketCommand.Reopen => state is TicketState.Closed or TicketState.Replied,
        TicketCommand.Cancel => IsOpen(state),
        TicketCommand.PauseClock or TicketCommand.ResumeClock or TicketCommand.ExtendDeadline or TicketCommand.FireDeadline => IsOpen(state),
        TicketCommand.Reroute => IsOpen(state),
        TicketCommand.RecordCallback => state is TicketState.Received or TicketState.Dispatched or TicketState.Accepted,
        // After an answer on the spot (which closes the ticket) or a close.
        TicketCommand.Rate => state is TicketState.Closed or TicketState.AnsweredOnSpot,
        // On a ticket with the filing division it is the reply; on one replied to or closed it is recorded alone.
        TicketCommand.RecordFilingDecision => state is TicketState.Dispatched or TicketState.Accepted or TicketState.Reopened
            or TicketState.Replied or TicketState.Closed,
        _ => false,
    };

    /// <summary>A sentence for FAILED_PRECONDITION answers.</summary>
    public static string Refusal(TicketState state, TicketCommand command) =>
        $"a ticket in state {state} cannot be given the command {command}";
}
