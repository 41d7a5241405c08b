using System.Globalization;

namespace Engine.Tests.Support;

/// <summary>Moments written as a court's clock shows them: the sample courts are in Shanghai (UTC+8, no summer time).</summary>
public static class ShanghaiTime
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>"yyyy-MM-dd HH:mm" or "yyyy-MM-dd HH:mm:ss", Shanghai time.</summary>
    public static DateTimeOffset Local(string text) =>
        new(DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None), Shanghai);
}
