namespace Custos.Core.Vault;

public enum ReuseMode
{
    /// <summary>A password another entry holds is refused.</summary>
    Refuse,
    /// <summary>It is saved with a warning.</summary>
    Flag,
}

public sealed class VaultOptions
{
    public ReuseMode Reuse { get; set; } = ReuseMode.Refuse;
    /// <summary>Seconds after which the browser and the CLI clear a copied secret from the clipboard.</summary>
    public int ClipboardClearSeconds { get; set; } = 20;
    public const long MaxAttachmentBytes = 10 * 1024 * 1024;
    /// <summary>Days before expiry from which an entry counts as expiring (reports, daily notices).</summary>
    public int ExpiryWarningDays { get; set; } = 14;
}
