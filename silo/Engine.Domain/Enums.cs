using Orleans;

namespace Engine.Domain;

// Numeric values match the engine.v1 protobuf enums, so the gRPC edge maps by value.

[GenerateSerializer]
public enum Channel
{
    Unspecified = 0,
    Hotline = 1,
    Web = 2,
    WeChat = 3,
    MobileApp = 4,
    Hall = 5,
    Kiosk = 6,
    Sms = 7,
    LawyerPlatform = 8,
}

[GenerateSerializer]
public enum TicketKind
{
    Unspecified = 0,
    ContactJudge = 1,
    CaseInquiry = 2,
    Consultation = 3,
    Suggestion = 4,
    OnlineFiling = 5,
    OnlineMatter = 6,
    Callback = 7,
}

/// <summary>Sub-kinds are numbered kind × 100 + n, so a sub-kind names its kind.</summary>
[GenerateSerializer]
public enum TicketSubKind
{
    Unspecified = 0,

    ContactProgressInquiry = 101,
    ContactUrge = 102,
    ContactMaterialReceipt = 103,
    ContactReportSituation = 104,
    ContactInformation = 105,
    ContactOther = 106,

    InquiryServicePassword = 201,
    InquiryFilingStatus = 202,
    InquiryCaseProgress = 203,
    InquiryOther = 204,

    ConsultationProcedure = 301,
    ConsultationExecution = 302,
    ConsultationOther = 303,

    SuggestionOpinion = 401,
    SuggestionSuggestion = 402,
    SuggestionComplaint = 403,

    FilingApplication = 501,

    MatterMaterialSubmission = 601,
    MatterAgentVerification = 602,
    MatterAgentStatement = 603,
    MatterHearingPostponement = 604,
    MatterPreservation = 605,
    MatterInvestigationOrder = 606,
    MatterFileReview = 607,
    MatterElectronicService = 608,

    CallbackVisit = 701,
}

[GenerateSerializer]
public enum TicketState
{
    Unspecified = 0,
    Received = 1,
    AnsweredOnSpot = 2,
    Dispatched = 3,
    Accepted = 4,
    Replied = 5,
    Closed = 6,
    Returned = 7,
    Reopened = 8,
    Merged = 9,
    Cancelled = 10,
}

[GenerateSerializer]
public enum TicketMode
{
    Undecided = 0,
    AnsweredOnSpot = 1,
    Dispatched = 2,
}

[GenerateSerializer]
public enum AssigneeType
{
    Unspecified = 0,
    Judge = 1,
    Division = 2,
    Office = 3,
    PlatformQueue = 4,
}

[GenerateSerializer]
public enum CallerRole
{
    Unspecified = 0,
    Party = 1,
    Agent = 2,
    Lawyer = 3,
    Public = 4,
}

[GenerateSerializer]
public enum Priority
{
    Unspecified = 0,
    Normal = 1,
    Urgent = 2,
}

[GenerateSerializer]
public enum CourtLevel
{
    Unspecified = 0,
    High = 1,
    Intermediate = 2,
    Basic = 3,
    Specialized = 4,
}

[GenerateSerializer]
public enum DivisionRole
{
    Unspecified = 0,
    Filing = 1,
    Trial = 2,
    Execution = 3,
    ServiceOffice = 4,
    Other = 5,
}

[GenerateSerializer]
public enum JudgeRole
{
    Unspecified = 0,
    Judge = 1,
    Assistant = 2,
    Clerk = 3,
    DivisionHead = 4,
    VicePresident = 5,
    PlatformAgent = 6,
}

[GenerateSerializer]
public enum PartyRole
{
    Unspecified = 0,
    Plaintiff = 1,
    Defendant = 2,
    ThirdParty = 3,
    Applicant = 4,
    Respondent = 5,
    Agent = 6,
    Lawyer = 7,
}

[GenerateSerializer]
public enum CaseStatus
{
    Unspecified = 0,
    Open = 1,
    Closed = 2,
    Moved = 3,
}

[GenerateSerializer]
public enum CaseNodeType
{
    Unspecified = 0,
    Filed = 1,
    FeePaid = 2,
    Assigned = 3,
    Served = 4,
    HearingScheduled = 5,
    HearingHeld = 6,
    Postponed = 7,
    Mediated = 8,
    Judged = 9,
    Appealed = 10,
    Transferred = 11,
    Closed = 12,
    Archived = 13,
    ExecutionStarted = 14,
    Other = 99,
}

[GenerateSerializer]
public enum Satisfaction
{
    Unspecified = 0,
    Satisfied = 1,
    BasicallySatisfied = 2,
    Dissatisfied = 3,
}

/// <summary>How a reply or an answer reached the caller (issue 24).</summary>
[GenerateSerializer]
public enum ReplyDelivery
{
    Unspecified = 0,
    /// <summary>Published as a public reply (on the web platform or the WeChat account's public list).</summary>
    PublicReply = 1,
    PhoneCall = 2,
    Sms = 3,
    WeChatMessage = 4,
    InPerson = 5,
}

/// <summary>Where an on-the-spot rating came from.</summary>
[GenerateSerializer]
public enum RatingSource
{
    Unspecified = 0,
    /// <summary>The evaluator device at a service-hall window.</summary>
    HallEvaluator = 1,
    Ivr = 2,
    Web = 3,
    WeChat = 4,
}

/// <summary>The filing division's decision on an online filing.</summary>
[GenerateSerializer]
public enum FilingOutcome
{
    Unspecified = 0,
    Registered = 1,
    MaterialRequested = 2,
    Refused = 3,
}

/// <summary>What a rating is counted for: the person or window rated.</summary>
[GenerateSerializer]
public enum RatedSubject
{
    Unspecified = 0,
    /// <summary>The handler (a judge or court staff) who replied.</summary>
    Staff = 1,
    /// <summary>The platform agent who answered on the spot.</summary>
    PlatformAgent = 2,
    /// <summary>A counter or window of the service hall.</summary>
    Window = 3,
}

public static class ReplyDeliveries
{
    /// <summary>How a reply reaches a caller when the replier does not say: the way the request came in (a hotline
    /// call is answered by phone, a hall or kiosk visit in person, an SMS by SMS, WeChat by a WeChat message; web, app
    /// and lawyer-platform requests get their reply on the platform, a public reply).</summary>
    public static ReplyDelivery ForChannel(Channel channel) => channel switch
    {
        Channel.Hotline => ReplyDelivery.PhoneCall,
        Channel.Hall or Channel.Kiosk => ReplyDelivery.InPerson,
        Channel.Sms => ReplyDelivery.Sms,
        Channel.WeChat => ReplyDelivery.WeChatMessage,
        _ => ReplyDelivery.PublicReply,
    };
}
