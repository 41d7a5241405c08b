using Engine.Domain;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Tickets;

/// <summary>The ranges of <see cref="TicketPolicyOptions"/>, checked when the silo starts.</summary>
public sealed class TicketPolicyOptionsValidator : IValidateOptions<TicketPolicyOptions>
{
    public const string Section = "Engine:Tickets";

    /// <summary>Intake looks for an open duplicate created since "now − window"; a year is far beyond any caller's
    /// repeat, and near TimeSpan's limit the subtraction would fail every intake.</summary>
    public static readonly TimeSpan LongestMergeWindow = TimeSpan.FromDays(365);

    public static readonly TimeSpan ShortestLookupLockout = TimeSpan.FromSeconds(1);

    /// <summary>A year: a lock is on a party's own case, and near TimeSpan's limit "now + lockout" would fail every
    /// failed look-up.</summary>
    public static readonly TimeSpan LongestLookupLockout = TimeSpan.FromDays(365);

    public ValidateOptionsResult Validate(string? name, TicketPolicyOptions options)
    {
        var check = new SettingsCheck(Section);
        check.Between(nameof(options.MergeWindow), options.MergeWindow, TimeSpan.Zero, LongestMergeWindow);
        check.Between(nameof(options.CallbackShare), options.CallbackShare, 0, 1);
        foreach (var (kind, share) in options.CallbackShareByKind.OrderBy(entry => entry.Key))
        {
            var setting = $"{nameof(options.CallbackShareByKind)}:{kind}";
            if (!Enum.IsDefined(kind) || kind is TicketKind.Unspecified or TicketKind.Callback)
            {
                // A callback ticket never gets a callback of its own, so a share for it would be ignored.
                check.Fail(setting, $"names no kind that gets callbacks: use one of {string.Join(", ", Enum.GetValues<TicketKind>().Where(k => k is not (TicketKind.Unspecified or TicketKind.Callback)))}");
            }
            else
            {
                check.Between(setting, share, 0, 1);
            }
        }

        check.Between(nameof(options.ComplaintCallbackShare), options.ComplaintCallbackShare, 0, 1);
        check.Defined(nameof(options.DissatisfiedResult), options.DissatisfiedResult);
        // 0 or less would lock a pair at its first failure, as 1 does, while saying something else.
        check.AtLeast(nameof(options.LookupMaxFailures), options.LookupMaxFailures, 1);
        check.Between(nameof(options.LookupLockout), options.LookupLockout, ShortestLookupLockout, LongestLookupLockout);
        check.Between(nameof(options.LookupCodeLifetime), options.LookupCodeLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        check.Between(nameof(options.LookupCodeResendInterval), options.LookupCodeResendInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
