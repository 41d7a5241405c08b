using Engine.Contracts;
using Grpc.Core;
using Orleans.Runtime;

namespace Engine.Api.Security;

/// <summary>The scope checks the services make against what a call touches (the role was checked before the call
/// reached them). Refusals are PERMISSION_DENIED naming the field that is out of scope.</summary>
public static class Scopes
{
    /// <summary>A channel adapter speaks only for its own channels.</summary>
    public static void RequireChannel(ServerCallContext context, Domain.Channel channel, string field)
    {
        var caller = Principal.Of(context);
        if (caller.Role == AccessRole.Channel && !caller.Scope.Channels.Contains(channel))
        {
            throw Denied(field, $"this key speaks only for channel(s) {string.Join(", ", caller.Scope.Channels)}");
        }
    }

    /// <summary>A key limited to courts reaches only those (an empty <paramref name="courtId"/> means "every court",
    /// which such a key may not ask for).</summary>
    public static void RequireCourt(ServerCallContext context, string? courtId, string field)
    {
        var scope = Principal.Of(context).Scope;
        if (Limited(scope) && (string.IsNullOrEmpty(courtId) ? !scope.CourtIds.Contains(AccessScope.AllCourts) : !scope.ReachesCourt(courtId)))
        {
            throw Denied(field, $"this key reaches only court(s) {string.Join(", ", scope.CourtIds)}");
        }
    }

    /// <summary>A judge acts under their own name: the actor of a judge's call must be that judge.</summary>
    public static void RequireActor(ServerCallContext context, string actor, string field)
    {
        var caller = Principal.Of(context);
        if (caller.Role == AccessRole.Judge && !string.Equals(actor, caller.Scope.JudgeId, StringComparison.Ordinal))
        {
            throw Denied(field, "a judge's key acts only as that judge");
        }
    }

    /// <summary>Runs a call to a ticket grain with the caller's condition on the ticket in the request context, where
    /// the grain checks it against the ticket before running the call (see <see cref="TicketAccess"/>).</summary>
    public static async Task<T> OnTicketAsync<T>(ServerCallContext context, bool command, Func<Task<T>> call)
    {
        var access = TicketCondition(Principal.Of(context), command);
        if (access is null)
        {
            return await call();
        }

        RequestContext.Set(TicketAccess.ContextKey, access);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(TicketAccess.ContextKey);
        }
    }

    /// <summary>What the caller's scope requires of a ticket, or null when it reaches every ticket.</summary>
    public static TicketAccess? TicketCondition(Principal caller, bool command) => caller.Role switch
    {
        AccessRole.Admin => null,
        AccessRole.Channel => new TicketAccess(caller.Scope.Channels, [], null, command),
        AccessRole.Judge => new TicketAccess([], [], caller.Scope.JudgeId ?? string.Empty, command),
        AccessRole.CourtStaff or AccessRole.Supervisor or AccessRole.CaseSystem when Limited(caller.Scope) => new TicketAccess([], caller.Scope.CourtIds, null, command),
        AccessRole.CourtStaff or AccessRole.Supervisor or AccessRole.CaseSystem => null,
        // Roles that never reach tickets were stopped by the policy; refuse rather than assume.
        _ => new TicketAccess([Domain.Channel.Unspecified], [], string.Empty, command),
    };

    /// <summary>True when the scope names courts (and so reaches only those).</summary>
    public static bool Limited(AccessScope scope) => !scope.CourtIds.IsDefaultOrEmpty;

    public static RpcException Denied(string field, string why) => Errors.Plain(StatusCode.PermissionDenied, $"{field}: {why}");
}
