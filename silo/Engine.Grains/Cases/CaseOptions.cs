using Engine.Domain;
using Engine.Domain.Hearings;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Cases;

/// <summary>Progress nodes and related-case notices. Bound from "Engine:Cases"; start-up refuses a file that is not a
/// usable catalogue and a node type the catalogue lacks (<see cref="CaseOptionsValidator"/>).</summary>
public sealed class CaseOptions
{
    /// <summary>A node catalogue file (the shape of samples/progress-nodes.json) over the built-in one: node types
    /// changed or added for every court, and per-court overrides. Default none.</summary>
    public string? ProgressNodesFile { get; set; }

    /// <summary>The node types whose recording sends a case.related_notice to the parties of every related case (a
    /// node that is not public never does). Default: hearings, their changes, and the decisions that end a case or an
    /// execution step (<see cref="DefaultRelatedNoticeNodeTypes"/>). Allowed: ids of the catalogue.</summary>
    public string[]? RelatedNoticeNodeTypes { get; set; }

    /// <summary>What <see cref="RelatedNoticeNodeTypes"/> says, or the default when it says nothing.</summary>
    public IReadOnlyList<string> NoticeNodeTypes => RelatedNoticeNodeTypes ?? DefaultRelatedNoticeNodeTypes;

    public static readonly IReadOnlyList<string> DefaultRelatedNoticeNodeTypes =
    [
        "HEARING_SCHEDULED", "POSTPONED", "JUDGED", "RULED", "MEDIATED", "WITHDRAWN", "CLOSED", "APPEALED", "TRANSFERRED",
        "SUSPENDED", "RESUMED", "PRESERVATION_RULED", "PROPERTY_SEIZED", "AUCTION_ANNOUNCED", "EXECUTION_COMPLETED",
    ];

    /// <summary>At most this many cases found by a shared party (an identity number or phone) get notices of one change,
    /// besides those the case lists as related: a bank or a lawyer is a party to thousands. Default 200. Allowed: 0
    /// (match only listed cases) to 10,000.</summary>
    public int RelatedNoticeMaxSharedCases { get; set; } = 200;

    /// <summary>A hearing's reminder (case.hearing_reminder) goes out on this working day before the hearing's day, on
    /// the court's calendar (holidays skipped, make-up working days counted). Default 1 (the working day before).
    /// Allowed: 1 to 10.</summary>
    public int HearingReminderWorkingDays { get; set; } = 1;

    /// <summary>The time of day (court time, HH:mm or HH:mm:ss) of a hearing reminder. Default 09:00.</summary>
    public string HearingReminderAt { get; set; } = "09:00";

    /// <summary>When set, a hearing reminder goes out this long before the hearing instead (for drills, demos and
    /// tests). Default none. Allowed: 1 second to 30 days.</summary>
    public TimeSpan? HearingReminderLead { get; set; }

    /// <summary>What <see cref="HearingReminderAt"/> says (the default when it is unreadable; start-up refuses that).</summary>
    public TimeOnly HearingReminderTime => Judges.JudgeOptions.TryParse(HearingReminderAt, out var at) ? at : HearingReminder.DefaultAt;
}

/// <summary>The checks of <see cref="CaseOptions"/> at start.</summary>
public sealed class CaseOptionsValidator : IValidateOptions<CaseOptions>
{
    public const string Section = "Engine:Cases";

    public ValidateOptionsResult Validate(string? name, CaseOptions options)
    {
        var check = new SettingsCheck(Section);
        ProgressNodeCatalogue? catalogue = null;
        try
        {
            catalogue = ProgressNodeCatalogue.Load(options.ProgressNodesFile);
        }
        catch (FormatException ex)
        {
            check.Fail(nameof(options.ProgressNodesFile), ex.Message);
        }

        if (catalogue is not null)
        {
            foreach (var type in options.NoticeNodeTypes.Where(t => catalogue.Default.Find(t) is null))
            {
                check.Fail(nameof(options.RelatedNoticeNodeTypes), $"'{type}' is not a node type of the catalogue");
            }
        }

        check.Between(nameof(options.RelatedNoticeMaxSharedCases), options.RelatedNoticeMaxSharedCases, 0, 10_000);
        check.Between(nameof(options.HearingReminderWorkingDays), options.HearingReminderWorkingDays, 1, 10);
        if (!Judges.JudgeOptions.TryParse(options.HearingReminderAt, out _))
        {
            check.Fail(nameof(options.HearingReminderAt), $"must be a time of day written HH:mm or HH:mm:ss, e.g. 09:00 (it is '{options.HearingReminderAt}')");
        }

        if (options.HearingReminderLead is { } lead)
        {
            check.Between(nameof(options.HearingReminderLead), lead, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        }

        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }
}
