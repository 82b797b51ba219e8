using System.Globalization;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>An entry's string field as stored in KDBX: key, value and whether it is protected.</summary>
internal readonly record struct KdbxString(string Key, string Value, bool Protected);

/// <summary>Maps an entry's KDBX string fields to a <see cref="TransferEntry"/> and back. Besides KeePass' five
/// standard fields, KeePassXC keeps TOTP in "otp" (an otpauth:// URI) and extra URLs in "KP2A_URL",
/// "KP2A_URL_1", …; Custos adds its service limitation. Everything else is a custom field.</summary>
internal static class KdbxEntryFields
{
    public const string Title = "Title";
    public const string UserName = "UserName";
    public const string Password = "Password";
    public const string Url = "URL";
    public const string Notes = "Notes";
    public const string Otp = "otp";
    public const string ExtraUrl = "KP2A_URL";
    public const string ServiceLimitation = "Custos.ServiceLimitation";

    public static void Apply(TransferEntry entry, List<KdbxString> strings)
    {
        string? mainUrl = null;
        var extraUrls = new List<(int Order, string Url)>();
        foreach (var field in strings)
        {
            switch (field.Key)
            {
                case Title:
                    entry.Title = field.Value;
                    break;
                case UserName:
                    entry.UserName = NullIfEmpty(field.Value);
                    break;
                case Password:
                    entry.Password = NullIfEmpty(field.Value);
                    break;
                case Url:
                    mainUrl = NullIfEmpty(field.Value);
                    break;
                case Notes:
                    entry.Notes = NullIfEmpty(field.Value);
                    break;
                case Otp:
                    entry.Totp = NullIfEmpty(field.Value);
                    break;
                case ServiceLimitation:
                    entry.ServiceLimitation = NullIfEmpty(field.Value);
                    break;
                default:
                    if (ExtraUrlOrder(field.Key) is { } order)
                    {
                        if (field.Value.Length > 0)
                        {
                            extraUrls.Add((order, field.Value));
                        }
                    }
                    else
                    {
                        entry.Fields.Add(new TransferField(field.Key, field.Value, field.Protected));
                    }

                    break;
            }
        }

        if (mainUrl is not null)
        {
            entry.Urls.Add(mainUrl);
        }

        // KeePassXC stores its attributes sorted by name, which puts KP2A_URL_10 before KP2A_URL_2.
        entry.Urls.AddRange(extraUrls.OrderBy(url => url.Order).Select(url => url.Url));
        if (entry.Totp is null && KdbxTotp.FromKeePassFields(entry.Fields, entry.Title) is { } totp)
        {
            entry.Totp = totp.Uri;
            entry.Fields.RemoveAll(field => totp.Consumed.Contains(field.Name));
        }
    }

    /// <summary>KP2A_URL is the first extra URL, KP2A_URL_n the (n+1)th; other suffixes come last.</summary>
    private static int? ExtraUrlOrder(string key)
    {
        if (key == ExtraUrl)
        {
            return 0;
        }

        if (!key.StartsWith(ExtraUrl + "_", StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(key.AsSpan(ExtraUrl.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n
            : int.MaxValue;
    }

    /// <summary>The entry's fields in KDBX form. The password, TOTP and secret custom fields are protected; a custom
    /// field whose name is taken (by a standard field or an earlier one) gets a " (2)"-style suffix, since KDBX keys
    /// are unique.</summary>
    public static List<KdbxString> ToStrings(TransferEntry entry)
    {
        var strings = new List<KdbxString>
        {
            new(Title, entry.Title, false),
            new(UserName, entry.UserName ?? "", false),
            new(Password, entry.Password ?? "", true),
            new(Url, entry.Urls.Count > 0 ? entry.Urls[0] : "", false),
            new(Notes, entry.Notes ?? "", false),
        };
        if (entry.Totp is { Length: > 0 } totp)
        {
            strings.Add(new(Otp, KdbxTotp.ToOtpAuthUri(totp, entry.Title), true));
        }

        for (int i = 1; i < entry.Urls.Count; i++)
        {
            strings.Add(new(i == 1 ? ExtraUrl : $"{ExtraUrl}_{i - 1}", entry.Urls[i], false));
        }

        if (entry.ServiceLimitation is { Length: > 0 } limitation)
        {
            strings.Add(new(ServiceLimitation, limitation, false));
        }

        var used = strings.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var field in entry.Fields)
        {
            strings.Add(new(UniqueKey(field.Name, used), field.Value, field.Secret));
        }

        return strings;
    }

    private static string UniqueKey(string name, HashSet<string> used)
    {
        var baseName = name.Length > 0 ? name : "Field";
        var key = baseName;
        for (int n = 2; !used.Add(key); n++)
        {
            key = $"{baseName} ({n})";
        }

        return key;
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
