using System.Collections.Frozen;

namespace Engine.Silo.Supervision;

/// <summary>The page's three files, embedded in the assembly so the page ships with the engine and needs nothing
/// from the network (the courts' machines have no internet). Read once.</summary>
internal static class SupervisionAssets
{
    public const string Html = "supervision.html";
    public const string Script = "supervision.js";
    public const string Style = "supervision.css";

    /// <summary>The page draws everything with its own script from its own origin: nothing inline, nothing from
    /// elsewhere, so even text that slipped into markup could not run.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = new Dictionary<string, (byte[], string)>
    {
        [Html] = (Read(Html), "text/html; charset=utf-8"),
        [Script] = (Read(Script), "text/javascript; charset=utf-8"),
        [Style] = (Read(Style), "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Serve(HttpContext context, string name)
    {
        var (content, type) = Files[name];
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        if (name == Html)
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }

        return TypedResults.Bytes(content, type);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(SupervisionAssets).Assembly.GetManifestResourceStream("supervision/" + name)
            ?? throw new InvalidOperationException($"the supervision page's {name} is not embedded in {typeof(SupervisionAssets).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
