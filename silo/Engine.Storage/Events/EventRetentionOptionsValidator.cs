using Engine.Domain;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Events;

/// <summary>The ranges of <see cref="EventRetentionOptions"/>, checked when the silo starts.</summary>
public sealed class EventRetentionOptionsValidator : IValidateOptions<EventRetentionOptions>
{
    public const string Section = "Engine:Events:Retention";

    /// <summary>A hundred years, longer than any event has existed (0 says "keep them all"); a value whose cut-off
    /// falls before year 1 would stop the silo at retention's first pass.</summary>
    public const int MaxKeepDays = 36_500;

    public static readonly TimeSpan ShortestInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A day: retention by days needs no rarer pass, and the timer refuses intervals beyond 49 days.</summary>
    public static readonly TimeSpan LongestInterval = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, EventRetentionOptions options)
    {
        var check = new SettingsCheck(Section);
        check.Between(nameof(options.KeepDays), options.KeepDays, 0, MaxKeepDays);
        // Negative values would not keep everything, as 0 does: a negative lag leaves no subscription protected.
        check.AtLeast(nameof(options.KeepEvents), options.KeepEvents, 0);
        check.AtLeast(nameof(options.SubscriptionMaxLag), options.SubscriptionMaxLag, 0);
        check.Between(nameof(options.Interval), options.Interval, ShortestInterval, LongestInterval);
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
