using System.IO.Compression;
using System.Xml;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Maps the decrypted KDBX XML onto the transfer tree in one forward pass (no DOM), so time and memory grow
/// linearly with the file. Elements it does not map are skipped.</summary>
internal sealed class KdbxXmlReader
{
    private readonly XmlReader _xml;
    private readonly KdbxXmlCursor _cursor;
    private readonly KdbxReadLimits _limits;
    private readonly SizeBudget _budget;
    private readonly Dictionary<int, byte[]> _binaries;
    private readonly List<PendingAttachment> _pending = [];
    private readonly List<TransferSkip> _skipped = [];
    private readonly List<string> _path = [];
    private Guid? _recycleBin;
    private TransferFolder? _root;

    private sealed record PendingAttachment(TransferEntry Entry, int Slot, string Name, int Reference, string Path);

    public KdbxXmlReader(XmlReader xml, InnerRandomStream protector, KdbxReadLimits limits, SizeBudget budget,
        IReadOnlyList<byte[]> innerBinaries)
    {
        _xml = xml;
        _cursor = new KdbxXmlCursor(xml, protector, limits);
        _limits = limits;
        _budget = budget;
        _binaries = innerBinaries.Select((content, index) => (content, index)).ToDictionary(b => b.index, b => b.content);
    }

    /// <summary>Set once the root element is reached: an XML error before it may be a refused DTD.</summary>
    public bool ReachedRoot { get; private set; }

    /// <summary>KDBX 3's Meta/HeaderHash, for the caller to compare with the header it read.</summary>
    public byte[]? HeaderHash { get; private set; }

    public static XmlReaderSettings Settings { get; } = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    public TransferDocument Read()
    {
        if (_xml.MoveToContent() != XmlNodeType.Element || _xml.LocalName != "KeePassFile")
        {
            throw KdbxError.Corrupt("The decrypted database is not KeePass XML.");
        }

        ReachedRoot = true;
        _cursor.ReadChildren(name =>
        {
            switch (name)
            {
                case "Meta":
                    ReadMeta();
                    break;
                case "Root":
                    ReadRoot();
                    break;
                default:
                    _cursor.Skip();
                    break;
            }
        });
        var root = _root ?? throw KdbxError.Corrupt("The database has no root group.");
        ResolveAttachments();
        RemoveRecycleBin(root);
        return new TransferDocument(root, _skipped);
    }

    private void ReadMeta() => _cursor.ReadChildren(name =>
    {
        switch (name)
        {
            case "HeaderHash":
                HeaderHash = KdbxXmlCursor.DecodeBase64(_cursor.ReadText(), "header hash");
                break;
            case "RecycleBinUUID":
                _recycleBin = KdbxXmlValues.ParseUuid(_cursor.ReadText());
                break;
            case "Binaries":
                _cursor.ReadChildren(child =>
                {
                    if (child == "Binary")
                    {
                        ReadMetaBinary();
                    }
                    else
                    {
                        _cursor.Skip();
                    }
                });
                break;
            default:
                _cursor.Skip();
                break;
        }
    });

    /// <summary>KDBX 3 keeps attachment contents in Meta, base64 and possibly gzip-compressed, keyed by ID.</summary>
    private void ReadMetaBinary()
    {
        bool compressed = KdbxXmlValues.ParseBool(_cursor.Attribute("Compressed"));
        if (!int.TryParse(_cursor.Attribute("ID"), out int id))
        {
            _cursor.Skip();
            return;
        }

        var content = _cursor.ReadBytes();
        if (compressed)
        {
            using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
            using var bounded = new BoundedReadStream(gzip, _budget);
            using var expanded = new MemoryStream();
            bounded.CopyTo(expanded);
            content = expanded.ToArray();
        }

        _binaries[id] = content;
    }

    private void ReadRoot() => _cursor.ReadChildren(name =>
    {
        if (name == "Group" && _root is null)
        {
            _root = ReadGroup(0);
        }
        else
        {
            if (name == "Group")
            {
                _skipped.Add(new TransferSkip("", "A second top-level group was ignored; KeePass files have one."));
            }

            _cursor.Skip();
        }
    });

    private TransferFolder ReadGroup(int level)
    {
        var folder = new TransferFolder();
        int pathIndex = _path.Count;
        if (level > 0)
        {
            _path.Add("");
        }

        _cursor.ReadChildren(name =>
        {
            switch (name)
            {
                case "UUID":
                    folder.SourceId = KdbxXmlValues.ParseUuid(_cursor.ReadText());
                    break;
                case "Name":
                    folder.Name = _cursor.ReadText();
                    if (level > 0)
                    {
                        _path[pathIndex] = folder.Name;
                    }

                    break;
                case "Notes":
                    folder.Notes = NullIfEmpty(_cursor.ReadText());
                    break;
                case "Entry":
                    folder.Entries.Add(ReadEntry(isHistory: false));
                    break;
                case "Group":
                    if (level + 1 > _limits.MaxGroupDepth)
                    {
                        throw KdbxError.TooLarge($"Groups are nested deeper than {_limits.MaxGroupDepth} levels.");
                    }

                    folder.Folders.Add(ReadGroup(level + 1));
                    break;
                default:
                    _cursor.Skip();
                    break;
            }
        });
        if (level > 0)
        {
            _path.RemoveAt(pathIndex);
        }

        return folder;
    }

    private TransferEntry ReadEntry(bool isHistory)
    {
        var entry = new TransferEntry();
        var strings = new List<KdbxString>();
        var references = new List<(int Slot, string Name, int Reference)>();
        _cursor.ReadChildren(name =>
        {
            switch (name)
            {
                case "UUID":
                    entry.SourceId = KdbxXmlValues.ParseUuid(_cursor.ReadText());
                    break;
                case "Tags":
                    entry.Tags.AddRange(_cursor.ReadText().Split([';', ','],
                        StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "Times":
                    ReadTimes(entry);
                    break;
                case "String":
                    strings.Add(ReadString());
                    break;
                case "Binary":
                    ReadBinary(entry, references);
                    break;
                case "History" when !isHistory:
                    _cursor.ReadChildren(child =>
                    {
                        if (child == "Entry")
                        {
                            entry.History.Add(ReadEntry(isHistory: true));
                        }
                        else
                        {
                            _cursor.Skip();
                        }
                    });
                    break;
                default:
                    _cursor.Skip();
                    break;
            }
        });
        KdbxEntryFields.Apply(entry, strings);
        var path = string.Join('/', _path.Append(entry.Title));
        _pending.AddRange(references.Select(r => new PendingAttachment(entry, r.Slot, r.Name, r.Reference, path)));
        return entry;
    }

    private void ReadTimes(TransferEntry entry)
    {
        DateTimeOffset? expiry = null;
        bool expires = false;
        _cursor.ReadChildren(name =>
        {
            switch (name)
            {
                case "CreationTime":
                    entry.Created = KdbxXmlValues.ParseTime(_cursor.ReadText());
                    break;
                case "LastModificationTime":
                    entry.Modified = KdbxXmlValues.ParseTime(_cursor.ReadText());
                    break;
                case "ExpiryTime":
                    expiry = KdbxXmlValues.ParseTime(_cursor.ReadText());
                    break;
                case "Expires":
                    expires = KdbxXmlValues.ParseBool(_cursor.ReadText());
                    break;
                default:
                    _cursor.Skip();
                    break;
            }
        });
        entry.Expires = expires ? expiry : null;
    }

    private KdbxString ReadString()
    {
        string key = "";
        string value = "";
        bool isProtected = false;
        _cursor.ReadChildren(name =>
        {
            switch (name)
            {
                case "Key":
                    key = _cursor.ReadText();
                    break;
                case "Value":
                    // A plain XML export marks protected fields ProtectInMemory instead of encrypting them.
                    isProtected = KdbxXmlValues.ParseBool(_cursor.Attribute("Protected"))
                        || KdbxXmlValues.ParseBool(_cursor.Attribute("ProtectInMemory"));
                    value = _cursor.ReadText();
                    break;
                default:
                    _cursor.Skip();
                    break;
            }
        });
        return new KdbxString(key, value, isProtected);
    }

    /// <summary>An attachment: a reference into the binaries (KDBX 4 inner header, KDBX 3 Meta), or inline
    /// content in old files. References are resolved at the end, since Meta may follow the entries.</summary>
    private void ReadBinary(TransferEntry entry, List<(int Slot, string Name, int Reference)> references)
    {
        string name = "";
        int? reference = null;
        byte[]? inline = null;
        _cursor.ReadChildren(child =>
        {
            switch (child)
            {
                case "Key":
                    name = _cursor.ReadText();
                    break;
                case "Value" when _cursor.Attribute("Ref") is { } text:
                    reference = int.TryParse(text, out int index) ? index : -1;
                    _cursor.Skip();
                    break;
                case "Value":
                    inline = _cursor.ReadBytes();
                    break;
                default:
                    _cursor.Skip();
                    break;
            }
        });
        if (reference is { } r)
        {
            references.Add((entry.Attachments.Count, name, r));
            entry.Attachments.Add(new TransferAttachment(name, []));
        }
        else if (inline is not null)
        {
            entry.Attachments.Add(new TransferAttachment(name, inline));
        }
    }

    private void ResolveAttachments()
    {
        // Backwards, so removing an unresolvable attachment does not shift the slots still to fill.
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            var pending = _pending[i];
            if (_binaries.TryGetValue(pending.Reference, out var content))
            {
                pending.Entry.Attachments[pending.Slot] = new TransferAttachment(pending.Name, content);
            }
            else
            {
                pending.Entry.Attachments.RemoveAt(pending.Slot);
                _skipped.Add(new TransferSkip(pending.Path + "/" + pending.Name,
                    "The attachment's content is missing from the file."));
            }
        }
    }

    /// <summary>Deleted items live in the recycle bin group; they are not imported.</summary>
    private void RemoveRecycleBin(TransferFolder root)
    {
        if (_recycleBin is not { } id || FindParent(root, id, "") is not { } found)
        {
            return;
        }

        var (parent, bin, path) = found;
        parent.Folders.Remove(bin);
        int entries = bin.AllEntries().Count();
        _skipped.Add(new TransferSkip(path, $"The recycle bin and the {entries} deleted entries in it were not imported."));
    }

    private static (TransferFolder Parent, TransferFolder Folder, string Path)? FindParent(TransferFolder folder,
        Guid id, string path)
    {
        foreach (var child in folder.Folders)
        {
            var childPath = path.Length == 0 ? child.Name : path + "/" + child.Name;
            if (child.SourceId == id)
            {
                return (folder, child, childPath);
            }

            if (FindParent(child, id, childPath) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
