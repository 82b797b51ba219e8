using System.Globalization;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>
/// What Custos keeps and Bitwarden has no place for travels as custom text fields with these names, so a user who
/// moves to Bitwarden still sees it, and <see cref="BitwardenJsonReader"/> maps the fields back. Bitwarden's
/// favourite flag becomes a tag.
/// </summary>
internal static class BitwardenCustosFields
{
    public const string FavoriteTag = "Favorite";
    public const string Tags = "Tags";
    public const string Expires = "Expires";
    public const string ServiceLimitation = "Service limitation";

    public static IEnumerable<TransferField> From(TransferEntry entry)
    {
        string[] tags = entry.Tags.Where(tag => !IsFavorite(tag)).ToArray();
        if (tags.Length > 0)
        {
            yield return new TransferField(Tags, string.Join(", ", tags), Secret: false);
        }

        if (entry.Expires is DateTimeOffset expires)
        {
            yield return new TransferField(Expires, expires.ToString("O", CultureInfo.InvariantCulture), Secret: false);
        }

        if (!string.IsNullOrEmpty(entry.ServiceLimitation))
        {
            yield return new TransferField(ServiceLimitation, entry.ServiceLimitation, Secret: false);
        }
    }

    /// <summary>Takes a text field written by <see cref="From"/> back into the entry; false for any other field.</summary>
    public static bool TryApply(TransferEntry entry, string name, string value)
    {
        switch (name)
        {
            case Tags:
                entry.Tags.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                return true;
            case Expires when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out DateTimeOffset expires):
                entry.Expires = expires;
                return true;
            case ServiceLimitation:
                entry.ServiceLimitation = value;
                return true;
            default:
                return false;
        }
    }

    public static bool IsFavorite(string tag) => string.Equals(tag, FavoriteTag, StringComparison.OrdinalIgnoreCase);
}
