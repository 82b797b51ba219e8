namespace Custos.Core.Vault.Transfer;

// The format-neutral tree that every importer produces and every exporter consumes. Readers and writers of a file
// format (KeePass, Bitwarden, CSV) know nothing of tenants, rights or encryption; the vault maps this tree onto its
// folders and entries in one transaction, and builds it from entries the caller may read for an export.

/// <summary>A folder of the transferred tree; the root's name is the file's database name (may be empty).</summary>
public sealed class TransferFolder
{
    public string Name { get; set; } = "";
    public string? Notes { get; set; }
    /// <summary>The folder's id in the source format (KeePass group UUID), kept so an export can round-trip it.</summary>
    public Guid? SourceId { get; set; }
    public List<TransferFolder> Folders { get; } = [];
    public List<TransferEntry> Entries { get; } = [];

    /// <summary>All entries below this folder, depth first.</summary>
    public IEnumerable<TransferEntry> AllEntries() =>
        Entries.Concat(Folders.SelectMany(folder => folder.AllEntries()));
}

/// <summary>One credential with every field Custos keeps. Secret values are plain strings here: they exist only in
/// memory between the file and the vault's encryption.</summary>
public sealed class TransferEntry
{
    public Guid? SourceId { get; set; }
    public string Title { get; set; } = "";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>The first URL is the main one; KeePass keeps more in custom fields, Bitwarden in a list.</summary>
    public List<string> Urls { get; } = [];
    public string? Notes { get; set; }
    /// <summary>An otpauth:// URI (or a bare base32 seed) for the entry's TOTP code.</summary>
    public string? Totp { get; set; }
    public List<TransferField> Fields { get; } = [];
    public List<TransferAttachment> Attachments { get; } = [];
    public List<string> Tags { get; } = [];
    public DateTimeOffset? Expires { get; set; }
    public DateTimeOffset? Created { get; set; }
    public DateTimeOffset? Modified { get; set; }
    /// <summary>Custos' "service limitation" note (why a password may break the folder's policy).</summary>
    public string? ServiceLimitation { get; set; }
    /// <summary>Earlier versions, oldest first; a history entry has no history of its own.</summary>
    public List<TransferEntry> History { get; } = [];
}

/// <summary>A custom field; <paramref name="Secret"/> marks it protected (KeePass) or hidden (Bitwarden).</summary>
public sealed record TransferField(string Name, string Value, bool Secret);

/// <summary>An attachment's content; the vault enforces its size limit before storing it.</summary>
public sealed record TransferAttachment(string Name, byte[] Content);

/// <summary>Something a reader could not take, with where it was and why, for the import report.</summary>
public sealed record TransferSkip(string Path, string Reason);

/// <summary>What a reader produced: the tree and what it skipped.</summary>
public sealed record TransferDocument(TransferFolder Root, IReadOnlyList<TransferSkip> Skipped);

/// <summary>A file that cannot be read at all (wrong password, corrupt, truncated, unsafe). The message is for the user
/// and never contains secret values.</summary>
public sealed class TransferFormatException(string code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>A stable code such as <c>kdbx.wrong-key</c>, <c>kdbx.corrupt</c>, <c>csv.missing-column</c>.</summary>
    public string Code { get; } = code;
}
