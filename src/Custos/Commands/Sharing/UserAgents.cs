namespace Custos.Commands.Sharing;

/// <summary>A browser's User-Agent as a person reads it in a log: "Firefox 128 (Windows)"; anything else cut short (--json has it whole).</summary>
internal static class UserAgents
{
    public const int MaxLength = 40;

    // Most specific first: Edge and Opera also call themselves Chrome, Chrome also calls itself Safari; phones also say Linux or Mac OS X.
    private static readonly (string Marker, string Name)[] Browsers = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome")];
    private static readonly string[] Platforms = ["Windows", "Android", "iPhone", "iPad", "Mac OS X", "Linux"];

    public static string Short(string? agent)
    {
        if (string.IsNullOrWhiteSpace(agent)) return "-";
        var browser = Browsers.Select(b => Product(agent, b.Marker, b.Name)).FirstOrDefault(p => p is not null)
                      ?? (agent.Contains("Safari/", StringComparison.Ordinal) ? Product(agent, "Version/", "Safari") : null);
        var platform = Platforms.FirstOrDefault(p => agent.Contains(p, StringComparison.Ordinal));
        var text = browser is null ? agent.Trim() : platform is null ? browser : $"{browser} ({platform})";
        return text.Length > MaxLength ? text[..(MaxLength - 1)] + "…" : text;
    }

    private static string? Product(string agent, string marker, string name)
    {
        var at = agent.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var version = new string(agent[(at + marker.Length)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return version.Length > 0 ? $"{name} {version}" : name;
    }
}
