namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>A title for a row or item that has none: the URL's host, else the user name.</summary>
internal static class EntryTitles
{
    public static string? Fallback(string? url, string? userName)
    {
        string? host = Host(url);
        return host ?? (string.IsNullOrWhiteSpace(userName) ? null : userName.Trim());
    }

    // "example.com/login" has no scheme, so it is tried again as https; "localhost:8080" parses with an empty host.
    private static string? Host(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        string text = url.Trim();
        foreach (string candidate in (string[])[text, "https://" + text])
        {
            if (Uri.TryCreate(candidate, UriKind.Absolute, out Uri? uri) && uri.Host.Length > 0)
            {
                return uri.Host;
            }
        }

        return null;
    }
}
