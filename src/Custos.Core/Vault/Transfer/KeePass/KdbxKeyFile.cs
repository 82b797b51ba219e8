using System.Security.Cryptography;
using System.Xml;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Turns a key file into its key component the way KeePass does: an XML key file gives its data
/// (base64 in version 1.0, hex with a 4-byte SHA-256 check in 2.0); otherwise 32 bytes are the key, 64 hex digits
/// are decoded, and any other content is hashed with SHA-256.</summary>
internal static class KdbxKeyFile
{
    public static byte[] ToKey(byte[] file)
    {
        if (TryReadXml(file) is { } xmlKey)
        {
            return xmlKey;
        }

        if (file.Length == 32)
        {
            return file.ToArray();
        }

        if (file.Length == 64 && file.All(b => Uri.IsHexDigit((char)b)))
        {
            return Convert.FromHexString(System.Text.Encoding.ASCII.GetString(file));
        }

        return SHA256.HashData(file);
    }

    private static byte[]? TryReadXml(byte[] file)
    {
        string? version = null;
        string? data = null;
        string? hash = null;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                MaxCharactersInDocument = 1 << 20,
            };
            using var reader = XmlReader.Create(new MemoryStream(file, writable: false), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.Name != "KeyFile")
            {
                return null;
            }

            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                switch (reader.Name)
                {
                    case "Version":
                        version = reader.ReadElementContentAsString().Trim();
                        break;
                    case "Data":
                        hash = reader.GetAttribute("Hash");
                        data = reader.ReadElementContentAsString();
                        break;
                }
            }
        }
        catch (XmlException)
        {
            return null;
        }

        if (data is null)
        {
            return null;
        }

        return version switch
        {
            "1.0" or "1.00" => DecodeBase64(data),
            "2.0" or "2.00" => DecodeHex(data, hash),
            _ => throw KdbxError.Unsupported("The XML key file has a version this reader does not know."),
        };
    }

    private static byte[] DecodeBase64(string data)
    {
        try
        {
            return Convert.FromBase64String(data.Trim());
        }
        catch (FormatException)
        {
            throw KdbxError.WrongKey("The XML key file's data is not valid base64; the key file is damaged.");
        }
    }

    private static byte[] DecodeHex(string data, string? hash)
    {
        byte[] key;
        try
        {
            key = Convert.FromHexString(string.Concat(data.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            throw KdbxError.WrongKey("The XML key file's data is not valid hex; the key file is damaged.");
        }

        // Version 2.0 carries the first 4 bytes of the key's SHA-256 so a mistyped key file is caught.
        if (hash is not null)
        {
            byte[] expected;
            try
            {
                expected = Convert.FromHexString(hash.Trim());
            }
            catch (FormatException)
            {
                throw KdbxError.WrongKey("The XML key file's checksum is not valid hex; the key file is damaged.");
            }

            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(key).AsSpan(0, 4), expected))
            {
                throw KdbxError.WrongKey("The XML key file's checksum does not match its data; the key file is damaged.");
            }
        }

        return key;
    }
}
