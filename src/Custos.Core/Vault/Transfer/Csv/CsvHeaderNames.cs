namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Which program wrote a CSV file, as far as its header tells; it decides the few format quirks.</summary>
internal enum CsvSource
{
    Other,
    /// <summary>keepassxc-cli and KeePassXC: the group path starts with the root group's name.</summary>
    KeePassXc,
    /// <summary><see cref="CsvExporter"/>: cells carry the formula guard.</summary>
    Custos,
}

/// <summary>The default mapping: the header names that password managers and spreadsheets use, English and German.</summary>
internal static class CsvHeaderNames
{
    private static readonly string[] KeePassXcHeader =
        ["Group", "Title", "Username", "Password", "URL", "Notes", "TOTP", "Icon", "Last Modified", "Created"];

    // Names are compared after Normalise, so "User Name", "user_name" and "USERNAME" are all "username".
    private static readonly (string[] Names, Func<CsvColumnMapping, CsvColumn, CsvColumnMapping> Assign)[] Targets =
    [
        (["title", "titel", "name", "bezeichnung"], (m, c) => m with { Title = c }),
        (["username", "benutzername", "benutzer", "login", "loginname", "user", "loginusername"], (m, c) => m with { UserName = c }),
        (["password", "passwort", "kennwort", "loginpassword"], (m, c) => m with { Password = c }),
        (["url", "website", "webseite", "adresse", "uri", "loginuri"], (m, c) => m with { Url = c }),
        (["notes", "note", "notizen", "notiz", "bemerkung", "bemerkungen", "extra"], (m, c) => m with { Notes = c }),
        (["totp", "otp", "logintotp"], (m, c) => m with { Totp = c }),
        (["group", "folder", "ordner", "gruppe", "grouping"], (m, c) => m with { Folder = c }),
        (["tags", "schlagwörter"], (m, c) => m with { Tags = c }),
        (["expires", "expiry", "expiration", "ablaufdatum", "läuftab"], (m, c) => m with { Expires = c }),
        (["created", "erstellt"], (m, c) => m with { Created = c }),
        (["lastmodified", "modified", "geändert", "zuletztgeändert"], (m, c) => m with { Modified = c }),
        (["servicelimitation"], (m, c) => m with { ServiceLimitation = c }),
        (["fields", "felder"], (m, c) => m with { Fields = c }),
        (["secretfields", "geheimefelder"], (m, c) => m with { SecretFields = c }),
    ];

    // KeePassXC's icon number means nothing outside KeePass.
    private static readonly HashSet<string> Ignored = ["icon"];

    public static CsvSource Recognise(IReadOnlyList<string> header) =>
        header.SequenceEqual(CsvExporter.Header, StringComparer.OrdinalIgnoreCase) ? CsvSource.Custos
        : header.SequenceEqual(KeePassXcHeader, StringComparer.OrdinalIgnoreCase) ? CsvSource.KeePassXc
        : CsvSource.Other;

    /// <summary>Maps each recognised header to its part of the entry (the first column wins) and keeps every other
    /// named column as a custom field, so no data is dropped silently.</summary>
    public static CsvColumnMapping Detect(IReadOnlyList<string> header)
    {
        var mapping = new CsvColumnMapping();
        var assigned = new bool[Targets.Length];
        var extras = new List<CsvExtraColumn>();
        for (int i = 0; i < header.Count; i++)
        {
            string name = Normalise(header[i]);
            if (name.Length == 0 || Ignored.Contains(name))
            {
                continue;
            }

            int target = Array.FindIndex(Targets, t => t.Names.Contains(name));
            if (target >= 0 && !assigned[target])
            {
                assigned[target] = true;
                mapping = Targets[target].Assign(mapping, CsvColumn.At(i));
            }
            else
            {
                extras.Add(new CsvExtraColumn(CsvColumn.At(i), header[i].Trim(), Secret: false));
            }
        }

        return mapping with { ExtraColumns = extras };
    }

    private static string Normalise(string header) =>
        string.Concat(header.Where(char.IsLetterOrDigit)).ToLowerInvariant();
}
