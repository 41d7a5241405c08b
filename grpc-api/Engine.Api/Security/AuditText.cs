using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Engine.Api.Security;

/// <summary>How an administrative request is written into the audit log: what it acted on, and the request itself as
/// JSON with phone numbers masked, cut at a length that keeps a whole-directory import readable.</summary>
public static class AuditText
{
    public const int MaxDetailLength = 8 * 1024;

    /// <summary>The ids the request names, e.g. "court_id=SH-HC judge_id=J-0001".</summary>
    public static string Target(IMessage request)
    {
        var ids = new List<string>();
        Collect(request, ids, depth: 0);
        return ids.Count == 0 ? "-" : string.Join(' ', ids.Distinct(StringComparer.Ordinal).Take(6));
    }

    public static string Detail(IMessage request)
    {
        string json;
        try
        {
            json = JsonFormatter.Default.Format(PersonalData.Masked(request));
        }
        catch (InvalidOperationException)
        {
            // JSON cannot carry some values protobuf can (a timestamp past year 9999): the request is refused by
            // validation afterwards, and the audit entry still says what was attempted.
            json = $"{{\"unrepresentable\": \"{request.Descriptor.FullName}, {request.CalculateSize()} bytes\"}}";
        }

        return json.Length <= MaxDetailLength ? json : json[..MaxDetailLength] + $"… ({json.Length} characters)";
    }

    private static void Collect(IMessage message, List<string> ids, int depth)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.String && !field.IsRepeated && field.Name.EndsWith("_id", StringComparison.Ordinal) && value is string { Length: > 0 } id)
            {
                ids.Add($"{field.Name}={id}");
            }
            else if (field.FieldType == FieldType.Message && !field.IsRepeated && depth < 2 && value is IMessage nested)
            {
                Collect(nested, ids, depth + 1);
            }
        }
    }
}
