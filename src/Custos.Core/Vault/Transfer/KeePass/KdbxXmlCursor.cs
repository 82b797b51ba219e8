using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Forward-only steps over the KDBX XML: child loops, skipping, and values that may be protected. Every
/// element it enters is checked against the depth limit, and every protected value it passes, even one skipped,
/// advances the inner random stream.</summary>
internal sealed class KdbxXmlCursor(XmlReader xml, InnerRandomStream protector, KdbxReadLimits limits)
{
    public string? Attribute(string name) => xml.GetAttribute(name);

    /// <summary>Calls <paramref name="handle"/> for each child element of the current element; the handler must
    /// consume the child. Leaves the reader after the element's end.</summary>
    public void ReadChildren(Action<string> handle)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return;
        }

        int depth = xml.Depth;
        xml.Read();
        while (true)
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Element:
                    CheckDepth();
                    handle(xml.LocalName);
                    break;
                case XmlNodeType.EndElement when xml.Depth == depth:
                    xml.Read();
                    return;
                case XmlNodeType.None:
                    throw KdbxError.Corrupt("The database's XML ends inside an element.");
                default:
                    xml.Read();
                    break;
            }
        }
    }

    public void Skip()
    {
        int depth = xml.Depth;
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return;
        }

        xml.Read();
        while (!(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.None)
            {
                throw KdbxError.Corrupt("The database's XML ends inside an element.");
            }

            if (xml.NodeType == XmlNodeType.Element)
            {
                CheckDepth();
                if (KdbxXmlValues.ParseBool(xml.GetAttribute("Protected")))
                {
                    CryptographicOperations.ZeroMemory(ReadBytes());
                    continue;
                }
            }

            xml.Read();
        }

        xml.Read();
    }

    private void CheckDepth()
    {
        if (xml.Depth > limits.MaxXmlDepth)
        {
            throw KdbxError.TooLarge($"The database's XML is nested deeper than {limits.MaxXmlDepth} levels.");
        }
    }

    /// <summary>The element's text, decrypted when it is marked protected.</summary>
    public string ReadText()
    {
        if (!KdbxXmlValues.ParseBool(xml.GetAttribute("Protected")))
        {
            return ReadContent();
        }

        var bytes = ReadBytes();
        var text = Encoding.UTF8.GetString(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return text;
    }

    /// <summary>The element's base64 content, decrypted when it is marked protected.</summary>
    public byte[] ReadBytes()
    {
        bool isProtected = KdbxXmlValues.ParseBool(xml.GetAttribute("Protected"));
        var bytes = DecodeBase64(ReadContent(), "protected value or attachment");
        if (isProtected)
        {
            protector.Apply(bytes);
        }

        return bytes;
    }

    private string ReadContent()
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return "";
        }

        return xml.ReadElementContentAsString();
    }

    public static byte[] DecodeBase64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw KdbxError.Corrupt($"A {what} in the database is not valid base64.", e);
        }
    }
}
