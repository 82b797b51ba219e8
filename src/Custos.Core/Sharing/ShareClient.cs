namespace Custos.Core.Sharing;

/// <summary>Who asks on the public side: the browser's visitor id for this link, its address and user agent (for the log).</summary>
public sealed record ShareClient(string Visitor, string? Address, string? UserAgent)
{
    public string? Agent => UserAgent is { Length: > 300 } ua ? ua[..300] : UserAgent;
}
