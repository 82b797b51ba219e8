using System.Text;
using System.Xml.Linq;
using Custos.Core.Common;
using Custos.Core.Keys;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Custos.Web.Keys;

/// <summary>
/// Encrypts the framework's data-protection keys (they sign anti-forgery tokens) with the system tenant's data key
/// before they are stored in the database, so a copy of the database alone cannot forge tokens.
/// </summary>
public sealed class KeyringXmlEncryptor(Keyring keyring) : IXmlEncryptor
{
    internal const string Field = "data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        // The framework's interface is synchronous; the system key is cached once the keyring is open.
        var key = keyring.GetDataKeyAsync(TenantId.System).GetAwaiter().GetResult();
        var id = Guid.NewGuid().ToString("N");
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var ciphertext = FieldCipher.Encrypt(key.Key, key.Version, new FieldContext(TenantId.System.Value, id, Field, 1), plaintext);
        var element = new XElement("custosEncryptedKey", new XAttribute("id", id), Convert.ToBase64String(ciphertext));
        return new EncryptedXmlInfo(element, typeof(KeyringXmlDecryptor));
    }
}

/// <summary>Created by the data-protection system through its activator, hence the service-provider constructor.</summary>
public sealed class KeyringXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var keyring = services.GetRequiredService<Keyring>();
        var id = (string?)encryptedElement.Attribute("id") ?? throw new InvalidOperationException("Encrypted key element has no id.");
        var ciphertext = Convert.FromBase64String(encryptedElement.Value);
        var key = keyring.GetDataKeyAsync(TenantId.System, FieldCipher.ReadDataKeyVersion(ciphertext)).GetAwaiter().GetResult();
        var plaintext = FieldCipher.Decrypt(key.Key, new FieldContext(TenantId.System.Value, id, KeyringXmlEncryptor.Field, 1), ciphertext);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
