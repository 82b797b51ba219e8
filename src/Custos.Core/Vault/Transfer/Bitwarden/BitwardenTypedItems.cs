using System.Text;
using System.Text.Json;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>
/// Cards, identities, SSH keys and Bitwarden's newer item types have no counterpart in Custos; their values become
/// custom fields, numbers and keys secret, so nothing the user stored is lost. The identity's user name becomes the
/// entry's user name.
/// </summary>
internal static class BitwardenTypedItems
{
    private static readonly Dictionary<int, string> PropertyByType = new()
    {
        [3] = "card", [4] = "identity", [5] = "sshKey", [6] = "bankAccount", [7] = "driversLicense", [8] = "passport",
    };

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["card.cardholderName"] = "Cardholder name",
        ["card.number"] = "Card number",
        ["card.expMonth"] = "Expiry month",
        ["card.expYear"] = "Expiry year",
        ["card.code"] = "Security code",
        ["identity.title"] = "Salutation",
        ["identity.ssn"] = "Social security number",
        ["sshKey.keyFingerprint"] = "Fingerprint",
    };

    private static readonly HashSet<string> SecretValues =
        ["number", "code", "ssn", "passportNumber", "licenseNumber", "privateKey", "accountNumber", "pin", "iban"];

    /// <summary>The name of the object that holds the values of an item of this type, or null for an unknown type.</summary>
    public static string? Property(int type) => PropertyByType.GetValueOrDefault(type);

    public static void Read(JsonElement values, string property, TransferEntry entry)
    {
        foreach (JsonProperty value in values.EnumerateObject())
        {
            string? text = BitwardenJson.Scalar(values, value.Name);
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            if (property == "identity" && value.Name == "username")
            {
                entry.UserName = text;
                continue;
            }

            string label = Labels.GetValueOrDefault(property + "." + value.Name) ?? Words(value.Name);
            entry.Fields.Add(new TransferField(label, text, SecretValues.Contains(value.Name)));
        }
    }

    // "postalCode" -> "Postal code", "address1" -> "Address 1": readable for the types not labelled above.
    private static string Words(string camelCase)
    {
        var words = new StringBuilder();
        foreach (char c in camelCase)
        {
            bool startsWord = words.Length > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(words[^1])));
            words.Append(startsWord ? " " : "").Append(words.Length == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }

        return words.ToString();
    }
}
