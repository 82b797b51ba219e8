using System.Text.Json;
using Custos.Core.Vault;

namespace Custos.Core.SecureUse;

/// <summary>
/// Where and as whom an SSH entry logs in: its main URL (<c>ssh://host[:port]</c>), its user name, and its password or
/// private key (the secret field <c>private-key</c>, with <c>passphrase</c> if the key is encrypted). The expected host
/// key may be given in the text field <c>host-key</c> (SHA256:…), which then counts as confirmed.
/// </summary>
public sealed record SshTarget(string Host, int Port, string UserName, string? ExpectedHostKey)
{
    public const string PrivateKeyField = "private-key";
    public const string PassphraseField = "passphrase";
    public const string HostKeyField = "host-key";

    /// <summary>The target of an entry, or null when it is not an SSH entry (no ssh:// URL or no user name).</summary>
    public static SshTarget? Of(VaultEntry entry)
    {
        var urls = JsonSerializer.Deserialize<List<string>>(entry.Urls) ?? [];
        if (urls.Count == 0 || string.IsNullOrWhiteSpace(entry.UserName)) return null;
        if (!Uri.TryCreate(urls[0], UriKind.Absolute, out var url) || url.Scheme != "ssh" || string.IsNullOrEmpty(url.Host)) return null;
        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(entry.TextFields) ?? [];
        var expected = fields.GetValueOrDefault(HostKeyField)?.Trim();
        return new SshTarget(url.IdnHost, url.IsDefaultPort || url.Port < 0 ? 22 : url.Port, entry.UserName, string.IsNullOrEmpty(expected) ? null : expected);
    }

    public override string ToString() => $"{UserName}@{Host}:{Port}";
}
