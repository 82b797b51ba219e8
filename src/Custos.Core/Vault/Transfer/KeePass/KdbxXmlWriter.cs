using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Writes the KDBX 4 XML for a folder tree. Protected values are XORed with the inner random stream in
/// document order and written as base64; attachments are references into the inner header's binaries.</summary>
internal sealed class KdbxXmlWriter
{
    private readonly XmlWriter _xml;
    private readonly InnerRandomStream _protector;
    private readonly BinaryPool _binaries;
    private readonly string _now = KdbxXmlValues.FormatTime(DateTimeOffset.UtcNow);

    private KdbxXmlWriter(XmlWriter xml, InnerRandomStream protector, BinaryPool binaries)
    {
        _xml = xml;
        _protector = protector;
        _binaries = binaries;
    }

    public static XmlWriterSettings Settings { get; } = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "\t",
        // Keeps a lone \r or \r\n in notes as written instead of folding it to the platform's newline.
        NewLineHandling = NewLineHandling.Entitize,
        CloseOutput = false,
    };

    public static void Write(Stream output, TransferFolder root, InnerRandomStream protector, BinaryPool binaries,
        string generator)
    {
        using var xml = XmlWriter.Create(output, Settings);
        new KdbxXmlWriter(xml, protector, binaries).WriteDocument(root, generator);
    }

    private void WriteDocument(TransferFolder root, string generator)
    {
        _xml.WriteStartDocument(standalone: true);
        _xml.WriteStartElement("KeePassFile");
        _xml.WriteStartElement("Meta");
        WriteText("Generator", generator);
        WriteText("DatabaseName", root.Name);
        WriteText("DatabaseNameChanged", _now);
        _xml.WriteStartElement("MemoryProtection");
        WriteText("ProtectTitle", KdbxXmlValues.FormatBool(false));
        WriteText("ProtectUserName", KdbxXmlValues.FormatBool(false));
        WriteText("ProtectPassword", KdbxXmlValues.FormatBool(true));
        WriteText("ProtectURL", KdbxXmlValues.FormatBool(false));
        WriteText("ProtectNotes", KdbxXmlValues.FormatBool(false));
        _xml.WriteEndElement();
        WriteText("RecycleBinEnabled", KdbxXmlValues.FormatBool(true));
        _xml.WriteEndElement();
        _xml.WriteStartElement("Root");
        WriteGroup(root);
        _xml.WriteElementString("DeletedObjects", "");
        _xml.WriteEndElement();
        _xml.WriteEndElement();
        _xml.WriteEndDocument();
    }

    private void WriteGroup(TransferFolder folder)
    {
        _xml.WriteStartElement("Group");
        WriteText("UUID", KdbxXmlValues.FormatUuid(folder.SourceId ?? Guid.NewGuid()));
        WriteText("Name", folder.Name);
        WriteText("Notes", folder.Notes ?? "");
        WriteText("IconID", "48");
        _xml.WriteStartElement("Times");
        WriteText("CreationTime", _now);
        WriteText("LastModificationTime", _now);
        WriteText("Expires", KdbxXmlValues.FormatBool(false));
        _xml.WriteEndElement();
        WriteText("IsExpanded", KdbxXmlValues.FormatBool(true));
        foreach (var entry in folder.Entries)
        {
            WriteEntry(entry, entry.SourceId ?? Guid.NewGuid(), withHistory: true);
        }

        foreach (var child in folder.Folders)
        {
            WriteGroup(child);
        }

        _xml.WriteEndElement();
    }

    /// <summary>History items carry their entry's UUID, as KeePass expects.</summary>
    private void WriteEntry(TransferEntry entry, Guid id, bool withHistory)
    {
        _xml.WriteStartElement("Entry");
        WriteText("UUID", KdbxXmlValues.FormatUuid(id));
        WriteText("IconID", "0");
        WriteText("Tags", string.Join(';', entry.Tags));
        _xml.WriteStartElement("Times");
        if (entry.Created is { } created)
        {
            WriteText("CreationTime", KdbxXmlValues.FormatTime(created));
        }

        if (entry.Modified is { } modified)
        {
            WriteText("LastModificationTime", KdbxXmlValues.FormatTime(modified));
        }

        if (entry.Expires is { } expires)
        {
            WriteText("ExpiryTime", KdbxXmlValues.FormatTime(expires));
        }

        WriteText("Expires", KdbxXmlValues.FormatBool(entry.Expires is not null));
        _xml.WriteEndElement();
        foreach (var field in KdbxEntryFields.ToStrings(entry))
        {
            WriteString(field);
        }

        foreach (var attachment in entry.Attachments)
        {
            _xml.WriteStartElement("Binary");
            WriteText("Key", attachment.Name);
            _xml.WriteStartElement("Value");
            _xml.WriteAttributeString("Ref", _binaries.IndexOf(attachment).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }

        if (withHistory && entry.History.Count > 0)
        {
            _xml.WriteStartElement("History");
            foreach (var item in entry.History)
            {
                WriteEntry(item, id, withHistory: false);
            }

            _xml.WriteEndElement();
        }

        _xml.WriteEndElement();
    }

    private void WriteString(KdbxString field)
    {
        _xml.WriteStartElement("String");
        WriteText("Key", field.Key);
        _xml.WriteStartElement("Value");
        if (field.Protected)
        {
            var bytes = Encoding.UTF8.GetBytes(field.Value);
            _protector.Apply(bytes);
            _xml.WriteAttributeString("Protected", KdbxXmlValues.FormatBool(true));
            _xml.WriteString(Convert.ToBase64String(bytes));
            CryptographicOperations.ZeroMemory(bytes);
        }
        else
        {
            _xml.WriteString(XmlSafe(field.Value));
        }

        _xml.WriteEndElement();
        _xml.WriteEndElement();
    }

    private void WriteText(string element, string value) => _xml.WriteElementString(element, XmlSafe(value));

    /// <summary>XML 1.0 cannot carry most control characters; KeePass drops them too. Protected values are base64
    /// and keep them.</summary>
    private static string XmlSafe(string value)
    {
        StringBuilder? result = null;
        for (int i = 0; i < value.Length; i++)
        {
            bool pair = char.IsSurrogatePair(value, i);
            if (pair || XmlConvert.IsXmlChar(value[i]))
            {
                result?.Append(value, i, pair ? 2 : 1);
            }
            else
            {
                result ??= new StringBuilder(value.Length).Append(value, 0, i);
            }

            if (pair)
            {
                i++;
            }
        }

        return result?.ToString() ?? value;
    }
}
