using System.Security.Cryptography;
using Custos.Web.Transport;

namespace Custos.Web.SecureUse.Pages;

/// <summary>
/// What the terminal and the recording player share: xterm.js adds &lt;style&gt; elements at run time, which our CSP
/// refuses unless they carry this response's nonce (terminal.js stamps it on each). Scripts stay 'self' only.
/// </summary>
public static class TerminalPage
{
    public const string XtermScript = "/lib/xterm.js";

    /// <summary>Sets this response's CSP with a fresh style nonce and returns the nonce.</summary>
    public static string AllowRuntimeStyles(HttpContext http)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        http.Response.Headers.ContentSecurityPolicy =
            TransportSecurityMiddleware.ContentSecurityPolicy.Replace("style-src 'self'", $"style-src 'self' 'nonce-{nonce}'", StringComparison.Ordinal);
        return nonce;
    }

    /// <summary>Whether the build brought xterm.js (the build downloads it from the npm registry; a build made offline lacks it).</summary>
    public static bool AssetsPresent(IWebHostEnvironment env) => env.WebRootFileProvider.GetFileInfo(XtermScript).Exists;

    /// <summary>The ssh://host:port of an entry's main URL, or null when it is not an SSH entry.</summary>
    public static string? SshUrl(Core.Vault.EntryView entry) =>
        entry.UserName is { Length: > 0 } && entry.Urls.Count > 0 && entry.Urls[0].StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) ? entry.Urls[0] : null;
}
