namespace Engine.Domain.Stats;

/// <summary>The request mix the courts publish (DESIGN.md §6), the default shape of load runs and synthetic years:
/// Shanghai's services and contact-judge sub-kinds, Beijing 2019's channels, Shanghai's hotline share per court.</summary>
public static class WhitePaperMix
{
    public static readonly (TicketKind Kind, double Weight)[] Kinds =
    [
        (TicketKind.CaseInquiry, 30.66), (TicketKind.ContactJudge, 27.66), (TicketKind.Consultation, 14.46),
        (TicketKind.OnlineFiling, 21.5), (TicketKind.OnlineMatter, 2.62), (TicketKind.Suggestion, 3.10),
    ];

    public static readonly (TicketSubKind SubKind, double Weight)[] ContactSubKinds =
    [
        (TicketSubKind.ContactInformation, 46), (TicketSubKind.ContactProgressInquiry, 24), (TicketSubKind.ContactReportSituation, 16),
        (TicketSubKind.ContactOther, 9), (TicketSubKind.ContactUrge, 4), (TicketSubKind.ContactMaterialReceipt, 1),
    ];

    public static readonly (Channel Channel, double Weight)[] Channels = [(Channel.Web, 54), (Channel.WeChat, 32), (Channel.Hotline, 14)];

    public const double HighCourtShare = 32.66;
    public const double PudongShare = 19.58;

    /// <summary>The fifteen busiest courts after those two, between them.</summary>
    public const double NextFifteenShare = 45.63;

    public const double RestShare = 2.13;

    /// <summary>A value drawn with the given weights (they need not add up to 100).</summary>
    public static T Pick<T>(Random random, (T Value, double Weight)[] weighted)
    {
        var roll = random.NextDouble() * weighted.Sum(w => w.Weight);
        foreach (var (value, weight) in weighted)
        {
            roll -= weight;
            if (roll < 0)
            {
                return value;
            }
        }

        return weighted[^1].Value;
    }
}
