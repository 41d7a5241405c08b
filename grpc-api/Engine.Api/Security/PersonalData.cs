using Engine.Domain;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Engine.Api.Security;

/// <summary>
/// Masks phone numbers and identity numbers (every string field named "phone" or "id_number", however deep, including
/// inside the Any payloads of events) for callers without the personal-data scope. Driven by the descriptors, so a message that gains a phone
/// field later is masked without a change here.
/// </summary>
public static class PersonalData
{
    private const string PhoneField = "phone";
    private const string IdNumberField = "id_number";

    /// <summary>A one-time code is a secret of the phone's owner: hidden, whatever its length.</summary>
    private static readonly string CodeField = V1.CallerCodeIssued.Descriptor.FindFieldByNumber(V1.CallerCodeIssued.CodeFieldNumber).FullName;

    public const string HiddenCode = "******";

    private static readonly TypeRegistry Types = TypeRegistry.FromFiles(
        V1.CommonReflection.Descriptor, V1.EventsReflection.Descriptor, V1.CasesReflection.Descriptor, V1.DirectoryReflection.Descriptor);

    /// <summary>A copy of <paramref name="message"/> with its phone numbers masked (the message itself when it has none
    /// to mask, so that shared instances are never changed).</summary>
    public static T Masked<T>(T message)
        where T : IMessage
    {
        if (!HasPhones(message.Descriptor, []))
        {
            return message;
        }

        var copy = message.Descriptor.Parser.ParseFrom(message.ToByteString());
        Mask(copy);
        return (T)copy;
    }

    private static void Mask(IMessage message)
    {
        if (message is Any any)
        {
            if (Types.Find(Any.GetTypeName(any.TypeUrl)) is { } descriptor && HasPhones(descriptor, []))
            {
                var inner = descriptor.Parser.ParseFrom(any.Value);
                Mask(inner);
                any.Value = inner.ToByteString();
            }

            return;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.String && IsMasked(field) && !field.IsRepeated)
            {
                if (value is string { Length: > 0 } text)
                {
                    field.Accessor.SetValue(message, field.Name == PhoneField ? Phone.Mask(text) : field.Name == IdNumberField ? IdNumbers.Mask(text) : HiddenCode);
                }
            }
            else if (field.FieldType == FieldType.Message && !field.IsMap)
            {
                if (field.IsRepeated)
                {
                    foreach (var item in (System.Collections.IList)value)
                    {
                        Mask((IMessage)item);
                    }
                }
                else if (value is IMessage nested)
                {
                    Mask(nested);
                }
            }
        }
    }

    private static bool IsMasked(FieldDescriptor field) => field.Name is PhoneField or IdNumberField || field.FullName == CodeField;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Known = new(StringComparer.Ordinal);

    /// <summary>True when a message of this type can hold a phone number (an Any can hold anything).</summary>
    private static bool HasPhones(MessageDescriptor descriptor, HashSet<string> visiting)
    {
        if (Known.TryGetValue(descriptor.FullName, out var known))
        {
            return known;
        }

        if (descriptor.FullName == Any.Descriptor.FullName)
        {
            return true;
        }

        if (!visiting.Add(descriptor.FullName))
        {
            return false;
        }

        var has = descriptor.Fields.InDeclarationOrder().Any(f =>
            (f.FieldType == FieldType.String && IsMasked(f))
            || (f.FieldType == FieldType.Message && !f.IsMap && HasPhones(f.MessageType, visiting)));
        if (visiting.Count == 1)
        {
            Known[descriptor.FullName] = has;
        }

        visiting.Remove(descriptor.FullName);
        return has;
    }
}
