using System.Runtime.CompilerServices;
using Engine.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Client;

/// <summary>
/// A client of one engine (or of a load balancer in front of its front-ends): the engine.v1 calls a channel adapter,
/// a judge's client or a downstream system makes, each with a deadline per attempt, the API key, and retries of
/// transient failures (<see cref="EngineRetryOptions"/>). Thread-safe; make one per engine and keep it (it holds the
/// HTTP/2 connections).
/// </summary>
/// <remarks>Failures come as <see cref="EngineCallException"/> (an <see cref="RpcException"/>); a cancelled token as
/// <see cref="OperationCanceledException"/>. Calls not given a method here go through the generated stubs
/// (<see cref="Tickets"/>, <see cref="Directory"/>, …) with the same policy by <see cref="CallAsync{TResponse}"/>.</remarks>
public sealed class EngineClient : IDisposable
{
    private readonly EngineClientOptions _options;
    private readonly GrpcChannel _channel;
    private readonly ILogger _logger;
    private readonly Func<double> _random;

    /// <summary>Checks the options and opens the channel (connections are made on the first call).</summary>
    /// <param name="options">Where the engine is and how to call it; checked with <see cref="EngineClientOptions.Validate"/>.</param>
    /// <param name="loggerFactory">Where retries and stream breaks are logged (and gRPC's own log); none: not logged.</param>
    /// <exception cref="EngineClientOptionsException">The options name a bad setting.</exception>
    public EngineClient(EngineClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, Random.Shared.NextDouble)
    {
    }

    internal EngineClient(EngineClientOptions options, ILoggerFactory? loggerFactory, Func<double> random)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = random;
        _logger = loggerFactory?.CreateLogger<EngineClient>() ?? NullLogger<EngineClient>.Instance;
        _channel = EngineChannel.Create(options, loggerFactory);
        CallInvoker = _options.Interceptors.Count == 0 ? _channel.CreateCallInvoker() : _channel.Intercept([.. _options.Interceptors]);
        Intake = new IntakeService.IntakeServiceClient(CallInvoker);
        Tickets = new TicketService.TicketServiceClient(CallInvoker);
        Cases = new CaseService.CaseServiceClient(CallInvoker);
        Events = new EventService.EventServiceClient(CallInvoker);
        Directory = new DirectoryService.DirectoryServiceClient(CallInvoker);
        Access = new AccessService.AccessServiceClient(CallInvoker);
        Stats = new StatsService.StatsServiceClient(CallInvoker);
        Calendars = new CalendarService.CalendarServiceClient(CallInvoker);
        Knowledge = new KnowledgeService.KnowledgeServiceClient(CallInvoker);
    }

    /// <summary>The channel's invoker, through <see cref="EngineClientOptions.Interceptors"/>. Calls made on it directly
    /// get no deadline, key or retry: pass <see cref="CallAsync{TResponse}"/>'s options.</summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>The generated IntakeService stub (use with <see cref="CallAsync{TResponse}"/>).</summary>
    public IntakeService.IntakeServiceClient Intake { get; }

    /// <summary>The generated TicketService stub (use with <see cref="CallAsync{TResponse}"/>).</summary>
    public TicketService.TicketServiceClient Tickets { get; }

    /// <summary>The generated CaseService stub (use with <see cref="CallAsync{TResponse}"/>).</summary>
    public CaseService.CaseServiceClient Cases { get; }

    /// <summary>The generated EventService stub; prefer <see cref="OpenEventStream"/> to read events.</summary>
    public EventService.EventServiceClient Events { get; }

    /// <summary>The generated DirectoryService stub (use with <see cref="CallAsync{TResponse}"/>).</summary>
    public DirectoryService.DirectoryServiceClient Directory { get; }

    /// <summary>The generated AccessService stub: API keys and the audit log, for admin keys (use with
    /// <see cref="CallAsync{TResponse}"/>).</summary>
    public AccessService.AccessServiceClient Access { get; }

    /// <summary>The generated StatsService stub (use with <see cref="CallAsync{TResponse}"/>).</summary>
    public StatsService.StatsServiceClient Stats { get; }

    /// <summary>The generated CalendarService stub (use with <see cref="CallAsync{TResponse}"/>).</summary>
    public CalendarService.CalendarServiceClient Calendars { get; }

    /// <summary>The generated KnowledgeService stub: the knowledge base's entries, import and export (use with
    /// <see cref="CallAsync{TResponse}"/>); the searches have methods of their own.</summary>
    public KnowledgeService.KnowledgeServiceClient Knowledge { get; }

    /// <summary>Submits a ticket. Tried again with the same request, so with the same idempotency key: the engine
    /// answers a retry of a submission it had taken with that ticket (<c>deduplicated</c>), never a second one.</summary>
    /// <param name="request">The submission; <c>idempotency_key</c> is required (make it from the channel's own id of
    /// the request, so that a re-delivered request carries the same one).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket, and whether the key had been seen before.</returns>
    /// <exception cref="ArgumentException">The request has no idempotency key.</exception>
    /// <exception cref="EngineCallException">Refused (<c>INVALID_ARGUMENT</c> names the fields; <c>ALREADY_EXISTS</c>: the
    /// key was used for other content), or failed on every try.</exception>
    public Task<SubmitTicketResponse> SubmitTicketAsync(SubmitTicketRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey))
        {
            throw new ArgumentException("idempotency_key is required: the client retries a submission with it, and the engine makes one ticket per key", nameof(request));
        }

        return CallAsync("IntakeService/SubmitTicket", o => Intake.SubmitTicketAsync(request, o), cancellationToken);
    }

    /// <summary>Submits up to 500 tickets in one call; each is answered alone (a refused one does not fail the
    /// others). Tried again as a whole, which is safe: every request carries its own idempotency key.</summary>
    /// <param name="request">The submissions, each with its idempotency key.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>One result per submission, in order.</returns>
    /// <exception cref="ArgumentException">A submission has no idempotency key.</exception>
    /// <exception cref="EngineCallException">The call failed as a whole.</exception>
    public Task<SubmitTicketsResponse> SubmitTicketsAsync(SubmitTicketsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var missing = request.Tickets.Select((t, i) => (t, i)).FirstOrDefault(x => string.IsNullOrWhiteSpace(x.t.IdempotencyKey));
        if (missing.t is not null)
        {
            throw new ArgumentException($"tickets[{missing.i}].idempotency_key is required", nameof(request));
        }

        return CallAsync("IntakeService/SubmitTickets", o => Intake.SubmitTicketsAsync(request, o), cancellationToken);
    }

    /// <summary>Reads one ticket: its state, handler, history and deadline clock.</summary>
    /// <param name="ticketId">The ticket's id (<c>T…</c>).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <exception cref="EngineCallException"><c>NOT_FOUND</c> for an unknown id, or another failure.</exception>
    public async Task<Ticket> GetTicketAsync(string ticketId, CancellationToken cancellationToken = default) =>
        (await CallAsync("TicketService/GetTicket", o => Tickets.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, o), cancellationToken).ConfigureAwait(false)).Ticket;

    /// <summary>One page of tickets matching the request's filters (at least one: assignee, court, case, state, kind).</summary>
    /// <param name="request">Filters, page size (1 to 500) and the token of the page before.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The page, and the token of the next one (empty after the last).</returns>
    public Task<ListTicketsResponse> ListTicketsAsync(ListTicketsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("TicketService/ListTickets", o => Tickets.ListTicketsAsync(request, o), cancellationToken);

    /// <summary>Every ticket matching the request's filters, page after page (each page one call, with retries).</summary>
    /// <param name="request">Filters and page size; its page token is where to start (empty: the beginning).</param>
    /// <param name="cancellationToken">Ends the listing.</param>
    public async IAsyncEnumerable<Ticket> ListAllTicketsAsync(ListTicketsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request.Clone();
        do
        {
            var response = await ListTicketsAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var ticket in response.Tickets)
            {
                yield return ticket;
            }

            page.PageToken = response.NextPageToken;
        }
        while (page.PageToken.Length > 0);
    }

    /// <summary>The handler (a judge, a division, an office) accepts a dispatched ticket.</summary>
    /// <param name="request">The ticket and the actor (a judge's key may act only as its own judge).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket after the command.</returns>
    /// <exception cref="EngineCallException"><c>FAILED_PRECONDITION</c> when the ticket's state does not allow it (which
    /// is also what a repeat of an applied command gets: see <see cref="EngineCallException.OutcomeUnknown"/>).</exception>
    public Task<Ticket> AcceptAsync(AcceptRequest request, CancellationToken cancellationToken = default) =>
        TicketCommandAsync("TicketService/Accept", o => Tickets.AcceptAsync(request, o), cancellationToken);

    /// <summary>The handler replies to the caller's request.</summary>
    /// <param name="request">The ticket, the actor and the reply.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket after the command.</returns>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    public Task<Ticket> ReplyAsync(ReplyRequest request, CancellationToken cancellationToken = default) =>
        TicketCommandAsync("TicketService/Reply", o => Tickets.ReplyAsync(request, o), cancellationToken);

    /// <summary>Closes a replied (or answered) ticket.</summary>
    /// <param name="request">The ticket, the actor, an optional note.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket after the command.</returns>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    public Task<Ticket> CloseAsync(CloseRequest request, CancellationToken cancellationToken = default) =>
        TicketCommandAsync("TicketService/Close", o => Tickets.CloseAsync(request, o), cancellationToken);

    /// <summary>Transfers a ticket to another handler (a new reply clock starts unless the engine keeps the running one).</summary>
    /// <param name="request">The ticket, the actor, the new assignee and why.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket after the command.</returns>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    public Task<Ticket> TransferAsync(TransferRequest request, CancellationToken cancellationToken = default) =>
        TicketCommandAsync("TicketService/Transfer", o => Tickets.TransferAsync(request, o), cancellationToken);

    /// <summary>Court staff (or a channel, for its own tickets) answer the caller on the spot.</summary>
    /// <param name="request">The ticket, the staff member and the answer.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket after the command.</returns>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    public Task<Ticket> AnswerOnSpotAsync(AnswerOnSpotRequest request, CancellationToken cancellationToken = default) =>
        TicketCommandAsync("TicketService/AnswerOnSpot", o => Tickets.AnswerOnSpotAsync(request, o), cancellationToken);

    /// <summary>Cancels an open ticket (the caller withdrew it).</summary>
    /// <param name="request">The ticket, the actor and why.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The ticket after the command.</returns>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    public Task<Ticket> CancelAsync(CancelRequest request, CancellationToken cancellationToken = default) =>
        TicketCommandAsync("TicketService/Cancel", o => Tickets.CancelAsync(request, o), cancellationToken);

    /// <summary>A party looks up their case with the litigation-service password. Refusals are all alike
    /// (<c>NOT_FOUND</c>), whatever was wrong; repeated failures lock the (case, phone) pair for a while.</summary>
    /// <param name="request">Case number, the party's phone and password.</param>
    /// <param name="endUser">The end user's address as the adapter sees it (sent as <c>x-end-user</c>): the engine's
    /// per-source throttle counts look-ups by key and this. None: it counts the adapter's own address.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The case's status and public nodes.</returns>
    /// <exception cref="EngineCallException">Refused, locked, or failed on every try.</exception>
    public Task<LookupCaseResponse> LookupCaseAsync(LookupCaseRequest request, string? endUser = null, CancellationToken cancellationToken = default) =>
        CallAsync("CaseService/LookupCase", o => Cases.LookupCaseAsync(request, ForEndUser(o, endUser)), cancellationToken);

    /// <summary>A caller asks for a one-time code to see their own tickets; the engine texts it through the SMS sender
    /// (the event <c>caller.code_issued</c>), at most once a minute per phone and none while the phone is locked. The
    /// answer is the same whether or not the phone has tickets or a code was made, so it says nothing about a phone.</summary>
    /// <param name="request">The caller's phone; optionally the court and case number the request came from.</param>
    /// <param name="endUser">The end user's address as the adapter sees it (sent as <c>x-end-user</c>), counted by the
    /// engine's per-source throttle as for <see cref="LookupCaseAsync"/>. None: the adapter's own address counts.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>How long a code lives.</returns>
    /// <exception cref="EngineCallException"><c>INVALID_ARGUMENT</c> names the field; <c>RESOURCE_EXHAUSTED</c> past the
    /// throttle on every try; or another failure.</exception>
    public Task<RequestLookupCodeResponse> RequestLookupCodeAsync(RequestLookupCodeRequest request, string? endUser = null, CancellationToken cancellationToken = default) =>
        CallAsync("CaseService/RequestLookupCode", o => Cases.RequestLookupCodeAsync(request, ForEndUser(o, endUser)), cancellationToken);

    /// <summary>A caller's own tickets, newest first: by a case's service password (that case's tickets) or by the
    /// one-time code of <see cref="RequestLookupCodeAsync"/> (every ticket of the phone; pass the answer's
    /// <c>next_page_token</c>, with the phone, for the next page: it stands in for the spent code). Every refusal is the
    /// same <c>NOT_FOUND</c>; wrong codes lock the phone, wrong passwords the (case, phone) pair.</summary>
    /// <param name="request">The phone and the proof (or a page token); the page size (0: 20).</param>
    /// <param name="endUser">The end user's address as the adapter sees it (sent as <c>x-end-user</c>), as for
    /// <see cref="LookupCaseAsync"/>.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>A page of the caller's tickets and the token of the next.</returns>
    /// <exception cref="EngineCallException">Refused (<c>NOT_FOUND</c>; with <see cref="EngineCallException.OutcomeUnknown"/>
    /// an earlier try may have spent the code, so ask for a new one), locked, or failed on every try.</exception>
    public Task<LookupMyTicketsResponse> LookupMyTicketsAsync(LookupMyTicketsRequest request, string? endUser = null, CancellationToken cancellationToken = default) =>
        CallAsync("CaseService/LookupMyTickets", o => Cases.LookupMyTicketsAsync(request, ForEndUser(o, endUser)), cancellationToken);

    /// <summary>Staff at the platform: the best knowledge-base entries for a ticket (its court, kind and text) or for a
    /// text, recorded for the figures. Cite the hit's entry and version on <see cref="AnswerOnSpotAsync"/>
    /// (<c>knowledge_entry_id</c>, <c>knowledge_entry_version</c>) when the answer came from it.</summary>
    /// <param name="request">A ticket id, or a text with an optional court and kind; how many hits (0: 3).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The hits, best first, each with whether its score counts as a good answer, and the search's id.</returns>
    /// <exception cref="EngineCallException"><c>INVALID_ARGUMENT</c> names the field; <c>NOT_FOUND</c> for an unknown
    /// ticket; or another failure.</exception>
    public Task<SearchKnowledgeResponse> SuggestAnswersAsync(SuggestAnswersRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("KnowledgeService/SuggestAnswers", o => Knowledge.SuggestAnswersAsync(request, o), cancellationToken);

    /// <summary>Staff: the best entries for a text in a court's scope, not recorded (browsing the base).</summary>
    /// <param name="request">The text, the asking court, a kind, how many hits (0: 5).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    public Task<SearchKnowledgeResponse> SearchKnowledgeAsync(SearchKnowledgeRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("KnowledgeService/SearchKnowledge", o => Knowledge.SearchKnowledgeAsync(request, o), cancellationToken);

    /// <summary>Self-service (web, WeChat, app and kiosk adapters): answers for a person's question without a ticket,
    /// counted as a self-service consultation. Pass the answer's <c>search_id</c> as <c>knowledge_search_id</c> on
    /// <see cref="SubmitTicketAsync"/> if the person opens a ticket anyway. Limited per key and end user:
    /// <c>RESOURCE_EXHAUSTED</c> past the limit, which this client tries again after the wait the engine asks for.</summary>
    /// <param name="request">The question, the portal's court, the adapter's channel, how many answers (0: 3).</param>
    /// <param name="endUser">The end user's address as the adapter sees it (sent as <c>x-end-user</c>), so that one
    /// person's searches are limited and not the whole portal's. None: the adapter's own address counts.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <exception cref="EngineCallException">Refused, limited on every try, or failed.</exception>
    public Task<PublicSearchResponse> PublicSearchAsync(PublicSearchRequest request, string? endUser = null, CancellationToken cancellationToken = default) =>
        CallAsync("KnowledgeService/PublicSearch", o => Knowledge.PublicSearchAsync(request, ForEndUser(o, endUser)), cancellationToken);

    /// <summary>Reads a case as the engine holds it (for staff, the case system, the presiding judge).</summary>
    /// <param name="caseNumber">The case number, e.g. <c>(2025)沪0115民初12345号</c>.</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <exception cref="EngineCallException"><c>NOT_FOUND</c>, or another failure.</exception>
    public async Task<Case> GetCaseAsync(string caseNumber, CancellationToken cancellationToken = default) =>
        (await CallAsync("CaseService/GetCase", o => Cases.GetCaseAsync(new GetCaseRequest { CaseNumber = caseNumber }, o), cancellationToken).ConfigureAwait(false)).Case;

    /// <summary>Records how far a named subscription (one member of it) has processed the log.</summary>
    /// <param name="subscription">The subscription's name.</param>
    /// <param name="sequence">The last sequence processed.</param>
    /// <param name="memberIndex">The member of a consumer group (0 without one).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <returns>The cursor as stored (it never moves back).</returns>
    public async Task<long> CommitCursorAsync(string subscription, long sequence, int memberIndex = 0, CancellationToken cancellationToken = default) =>
        (await CallAsync("EventService/CommitCursor", o => Events.CommitCursorAsync(new CommitCursorRequest { Subscription = subscription, Sequence = sequence, MemberIndex = memberIndex }, o), cancellationToken).ConfigureAwait(false)).Sequence;

    /// <summary>Where a named subscription (one member of it) has committed to.</summary>
    /// <param name="subscription">The subscription's name.</param>
    /// <param name="memberIndex">The member of a consumer group (0 without one).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    public async Task<long> GetCursorAsync(string subscription, int memberIndex = 0, CancellationToken cancellationToken = default) =>
        (await CallAsync("EventService/GetCursor", o => Events.GetCursorAsync(new GetCursorRequest { Subscription = subscription, MemberIndex = memberIndex }, o), cancellationToken).ConfigureAwait(false)).Sequence;

    /// <summary>A reader of the event log that subscribes again after a break, from the last event it handed out.</summary>
    /// <param name="subscription">Where to start, which events, and the named subscription if any.</param>
    public EngineEventReader OpenEventStream(EventSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        subscription.Check();
        return new EngineEventReader(this, subscription);
    }

    /// <summary>Makes any unary call of the generated stubs with this client's policy: the API key, a deadline per
    /// attempt, and retries of <c>UNAVAILABLE</c>, <c>DEADLINE_EXCEEDED</c>, <c>RESOURCE_EXHAUSTED</c> and <c>ABORTED</c>
    /// with jittered exponential backoff. The same request is sent on every try.</summary>
    /// <example><code>await client.CallAsync("TicketService/PauseClock", o => client.Tickets.PauseClockAsync(request, o));</code></example>
    /// <param name="method">What the call is, for logs and errors (e.g. <c>TicketService/PauseClock</c>).</param>
    /// <param name="call">Starts one attempt with the options given (pass them to the stub).</param>
    /// <param name="cancellationToken">Ends the call, retries included.</param>
    /// <exception cref="EngineCallException">Refused, or failed on every try.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<TResponse> CallAsync<TResponse>(string method, Func<CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var outcomeUnknown = false;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RpcException failure;
            try
            {
                using var pending = call(AttemptOptions(cancellationToken));
                return await pending.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"{method} was cancelled", ex, cancellationToken);
            }
            catch (RpcException ex)
            {
                failure = ex;
            }

            outcomeUnknown |= RetryPolicy.LeavesOutcomeUnknown(failure.StatusCode);
            if (!RetryPolicy.IsRetryable(failure) || attempt >= _options.Retry.MaxAttempts)
            {
                if (attempt > 1)
                {
                    ClientLog.GaveUp(_logger, method, attempt, failure.StatusCode, failure.Status.Detail);
                }

                throw new EngineCallException(method, failure, attempt, outcomeUnknown);
            }

            var wait = RetryPolicy.Backoff(_options.Retry, attempt + 1, RetryPolicy.EngineAsked(failure), _random());
            ClientLog.Retrying(_logger, method, attempt, failure.StatusCode, failure.Status.Detail, wait);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the channel and its connections; open event streams end.</summary>
    public void Dispose() => _channel.Dispose();

    internal EngineClientOptions Options => _options;

    internal ILogger Logger => _logger;

    internal double NextRandom() => _random();

    /// <summary>The options of one attempt: the key, the deadline (none for streams), the caller's token.</summary>
    internal CallOptions AttemptOptions(CancellationToken cancellationToken, bool stream = false) =>
        new(Headers(), stream ? null : DateTime.UtcNow + _options.Deadline, cancellationToken);

    private Metadata? Headers() =>
        string.IsNullOrEmpty(_options.ApiKey) ? null : new Metadata { { "authorization", "Bearer " + _options.ApiKey } };

    /// <summary>The attempt's options with the end user's address as <c>x-end-user</c> (none: as they are).</summary>
    private static CallOptions ForEndUser(CallOptions options, string? endUser)
    {
        if (endUser is not { Length: > 0 })
        {
            return options;
        }

        var all = options.Headers ?? [];
        all.Add("x-end-user", endUser);
        return options.WithHeaders(all);
    }

    private async Task<Ticket> TicketCommandAsync(string method, Func<CallOptions, AsyncUnaryCall<TicketResponse>> call, CancellationToken cancellationToken) =>
        (await CallAsync(method, call, cancellationToken).ConfigureAwait(false)).Ticket;
}
