using System.Text.RegularExpressions;
using Custos.Core.SecureUse.Web;

namespace Custos.Web.SecureUse.Proxy;

/// <summary>The proxy's host names: {label}.{domain}, one per session, so that targets share no origin with each other or with Custos.</summary>
public static partial class WebProxyHosts
{
    public const string LaunchPath = "/.custos/launch";
    public const string EndPath = "/.custos/end";
    /// <summary>Host-only (the __Host- prefix makes browsers refuse it with a Domain), so no other host ever receives it.</summary>
    public const string CookieName = "__Host-custos-proxy";

    /// <summary>
    /// The domain as given ("proxy.example.com" or "*.proxy.example.com"), lower case without the wildcard; null with an
    /// error message when it is not a DNS name of at least two labels, or when Custos's own host lies under it.
    /// </summary>
    public static (string? Domain, string? Error) Normalize(string? value, string publicHost)
    {
        if (string.IsNullOrWhiteSpace(value)) return (null, null);
        var domain = value.Trim().ToLowerInvariant();
        if (domain.StartsWith("*.", StringComparison.Ordinal)) domain = domain[2..];
        domain = domain.TrimEnd('.');
        if (!DomainPattern().IsMatch(domain))
            return (null, $"--proxy-domain must be a DNS name like proxy.custos.example (its sessions are served on *.{{domain}}), not '{value}'.");
        if (publicHost.Equals(domain, StringComparison.OrdinalIgnoreCase) || publicHost.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
            return (null, $"--proxy-domain {domain} would take in Custos's own host {publicHost}; choose a domain of its own, e.g. proxy.{publicHost}.");
        return (domain, null);
    }

    /// <summary>
    /// Whether the host is a proxy host (under the domain, or the domain itself); <paramref name="label"/> is the session
    /// label when the host has the form of one, else null.
    /// </summary>
    public static bool IsProxyHost(string host, string domain, out string? label)
    {
        label = null;
        if (host.Equals(domain, StringComparison.OrdinalIgnoreCase)) return true;
        if (host.Length <= domain.Length + 1 || host[^(domain.Length + 1)] != '.' || !host.EndsWith(domain, StringComparison.OrdinalIgnoreCase)) return false;
        var candidate = host[..^(domain.Length + 1)].ToLowerInvariant();
        if (LabelPattern().IsMatch(candidate)) label = candidate;
        return true;
    }

    public static string Origin(string label, string domain, int httpsPort) => $"https://{label}.{domain}{(httpsPort == 443 ? "" : $":{httpsPort}")}";

    public static string LaunchUrl(WebSessions.Opened opened, string domain, int httpsPort) =>
        $"{Origin(opened.Label, domain, httpsPort)}{LaunchPath}?code={Uri.EscapeDataString(opened.LaunchCode)}";

    [GeneratedRegex("^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[a-z2-7]{26}$")]
    private static partial Regex LabelPattern();
}
