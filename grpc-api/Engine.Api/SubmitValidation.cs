using Engine.ProtoMapping;
using System.Collections.Immutable;
using Engine.Contracts;
using Engine.Domain;
using V1 = Engine.V1;

namespace Engine.Api;

/// <summary>Checks a submission field by field and turns it into a <see cref="NewTicket"/>.</summary>
public static class SubmitValidation
{
    public const int MaxContentBytes = 8 * 1024;
    public const int MaxKeyLength = 128;
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 64;
    public const int MaxAttachments = 20;
    public const int MaxAttachmentLength = 512;

    public static NewTicket Validate(V1.SubmitTicketRequest request, string prefix = "")
    {
        var v = new RequestValidator();
        v.RequireText(prefix + "idempotency_key", request.IdempotencyKey, MaxKeyLength);
        v.RequireEnum(prefix + "channel", request.Channel);
        v.RequireEnum(prefix + "kind", request.Kind);
        if (request.Kind == V1.TicketKind.Callback)
        {
            v.Add(prefix + "kind", "CALLBACK tickets are made by the engine, not submitted");
        }

        v.OptionalEnum(prefix + "sub_kind", request.SubKind);
        if (Enum.IsDefined(request.SubKind) && !TicketKinds.Belongs((TicketSubKind)request.SubKind, (TicketKind)request.Kind))
        {
            v.Add(prefix + "sub_kind", $"{request.SubKind} is not a sub-kind of {request.Kind}");
        }

        v.OptionalId(prefix + "court_id", request.CourtId);
        if (request.CaseNumber.Length > 0 && !CaseNumber.IsValid(request.CaseNumber))
        {
            v.Add(prefix + "case_number", "is not a case number of the form (2019)沪0115民初12345号");
        }

        var caller = request.Caller ?? new V1.Caller();
        v.OptionalText(prefix + "caller.name", caller.Name, MaxNameLength);
        if (caller.Phone.Length > 0 && !Phone.IsValid(caller.Phone))
        {
            v.Add(prefix + "caller.phone", "is not a mainland mobile or landline number");
        }

        v.OptionalEnum(prefix + "caller.role", caller.Role);
        v.RequireContent(prefix + "content", request.Content, MaxContentBytes);
        v.OptionalEnum(prefix + "priority", request.Priority);
        if (request.Attachments.Count > MaxAttachments)
        {
            v.Add(prefix + "attachments", $"more than {MaxAttachments} attachments");
        }

        for (var i = 0; i < request.Attachments.Count && i < MaxAttachments; i++)
        {
            v.RequireText($"{prefix}attachments[{i}]", request.Attachments[i], MaxAttachmentLength);
        }

        v.ThrowIfInvalid();
        return new NewTicket(
            request.IdempotencyKey,
            (Channel)request.Channel,
            (TicketKind)request.Kind,
            (TicketSubKind)request.SubKind,
            Mapping.NullIfEmpty(request.CourtId),
            request.CaseNumber.Length > 0 ? CaseNumber.Normalize(request.CaseNumber) : null,
            new CallerInfo(caller.Name, Phone.Canonical(caller.Phone) ?? string.Empty, (CallerRole)caller.Role),
            request.Content,
            request.Priority == V1.Priority.Unspecified ? Priority.Normal : (Priority)request.Priority,
            [.. request.Attachments]);
    }
}
