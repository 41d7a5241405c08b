using System.Reflection;
using Engine.Contracts;
using Engine.Domain;
using Engine.Storage.Events;

namespace Engine.Tests.Upgrade;

/// <summary>
/// The serializer ids of every [GenerateSerializer] type, written down in serialized-members.txt: the primary
/// constructor's parameters (Orleans numbers them by position, in a layer of their own), the members with an explicit
/// [Id], and the values of enums. A member that moves, changes its type or disappears changes what stored data and
/// messages between silos of two builds mean; a member added must be added to the file, on purpose, at the end of its
/// type (docs/decisions.md, 32).
/// </summary>
public sealed class SerializedMembersTests
{
    private static readonly Assembly[] Assemblies = [typeof(TicketState).Assembly, typeof(TicketRecord).Assembly, typeof(EventRow).Assembly, typeof(Engine.Grains.EngineStorage).Assembly];

    private static string ManifestPath => Path.Combine(AppContext.BaseDirectory, "Upgrade", "serialized-members.txt");

    [Fact]
    public void No_serialized_member_moves_changes_its_type_or_disappears()
    {
        var current = Current().ToHashSet(StringComparer.Ordinal);
        var gone = Recorded().Where(line => !current.Contains(line)).ToList();

        Assert.True(gone.Count == 0, "These serialized members changed or disappeared, so data stored by an earlier build would read wrong:\n"
            + string.Join("\n", gone) + "\n(Restore them; a new member goes at the end of its type.)");
    }

    [Fact]
    public void Every_serialized_member_is_written_down()
    {
        var recorded = Recorded().ToHashSet(StringComparer.Ordinal);
        var added = Current().Where(line => !recorded.Contains(line)).ToList();
        var written = Path.Combine(Path.GetTempPath(), "serialized-members.txt");
        File.WriteAllLines(written, Current());

        Assert.True(added.Count == 0, "New serialized members: check each goes at the end of its type, then add them to "
            + "tests/Engine.Tests.Fast/Upgrade/serialized-members.txt (this build's whole list: " + written + "):\n" + string.Join("\n", added));
    }

    [Fact]
    public void The_list_tells_a_moved_parameter_from_an_added_one()
    {
        var lines = Members(typeof(Engine.Contracts.CallerInfo)).ToList();

        Assert.Equal(
            [
                "Engine.Contracts.CallerInfo ctor 0: String Name",
                "Engine.Contracts.CallerInfo ctor 1: String Phone",
                "Engine.Contracts.CallerInfo ctor 2: Engine.Domain.CallerRole Role",
            ],
            lines);
    }

    private static IEnumerable<string> Recorded() =>
        File.ReadAllLines(ManifestPath).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static IEnumerable<string> Current() => Assemblies
        .SelectMany(a => a.GetTypes())
        .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .SelectMany(Members);

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var name in Enum.GetNames(type))
            {
                yield return $"{type.FullName} enum {Convert.ToInt64(Enum.Parse(type, name), System.Globalization.CultureInfo.InvariantCulture)}: {name}";
            }

            yield break;
        }

        // Records include their primary constructor unless the attribute says otherwise (its property reads false when unset).
        var excluded = type.GetCustomAttributesData().Any(a => a.AttributeType == typeof(GenerateSerializerAttribute)
            && a.NamedArguments.Any(n => n.MemberName == nameof(GenerateSerializerAttribute.IncludePrimaryConstructorParameters) && Equals(n.TypedValue.Value, false)));
        if (IsRecord(type) && !excluded && PrimaryConstructor(type) is { } constructor)
        {
            // A parameter whose property has an explicit [Id] is serialized by that id instead.
            foreach (var parameter in constructor.GetParameters().Where(p => type.GetProperty(p.Name!)!.GetCustomAttribute<IdAttribute>() is null))
            {
                yield return $"{type.FullName} ctor {parameter.Position}: {Name(parameter.ParameterType)} {parameter.Name}";
            }
        }

        var explicitIds = type.GetMembers(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Select(m => (Member: m, Id: m.GetCustomAttribute<IdAttribute>()))
            .Where(m => m.Id is not null && m.Member is PropertyInfo or FieldInfo)
            .OrderBy(m => m.Id!.Id);
        foreach (var (member, id) in explicitIds)
        {
            var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            yield return $"{type.FullName} id {id!.Id}: {Name(memberType)} {member.Name}";
        }
    }

    private static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$") is not null || (type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic) is not null);

    /// <summary>The constructor whose parameters are all properties of the same name (a record's positional ones).</summary>
    private static ConstructorInfo? PrimaryConstructor(Type type) => type.GetConstructors()
        .Where(c => c.GetParameters().Length > 0
            && c.GetParameters().All(p => type.GetProperty(p.Name!, BindingFlags.Instance | BindingFlags.Public) is { } property && property.PropertyType == p.ParameterType))
        .OrderByDescending(c => c.GetParameters().Length)
        .FirstOrDefault();

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        var name = type.Namespace is "System" or "System.Collections.Generic" or "System.Collections.Immutable" ? type.Name : type.FullName ?? type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{name[..tick]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
