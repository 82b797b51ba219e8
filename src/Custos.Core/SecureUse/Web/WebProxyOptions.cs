namespace Custos.Core.SecureUse.Web;

/// <summary>The web proxy's settings: off without a domain.</summary>
public sealed record WebProxyOptions
{
    /// <summary>The parent domain of the proxy hosts (each session is served on {label}.{Domain}); null: web sessions are off.</summary>
    public string? Domain { get; init; }
    /// <summary>How long the one-time launch link of a new session stays valid.</summary>
    public TimeSpan LaunchLifetime { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>A session without requests for this long ends where the folder's policy says nothing (browsers never say goodbye).</summary>
    public TimeSpan DefaultIdle { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>The longest a session lasts where the folder's policy says nothing shorter.</summary>
    public TimeSpan DefaultMaxLength { get; init; } = TimeSpan.FromHours(8);
    /// <summary>Text bodies are buffered to be scrubbed; a larger one is refused (502) rather than streamed unscrubbed.</summary>
    public int MaxScrubbedBodyBytes { get; init; } = 16 * 1024 * 1024;
}
