namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>
/// The column mapping as users type it in a form or on the command line: "title=Name, password=Kennwort, url=Adresse,
/// folder=Ordner, dateFormat=dd.MM.yyyy". A value that is a number names a column by position (1-based).
/// </summary>
public static class CsvMappingText
{
    /// <exception cref="TransferFormatException">csv.mapping: an unknown part name or an empty column.</exception>
    public static CsvColumnMapping Parse(string text)
    {
        var mapping = new CsvColumnMapping();
        foreach (var pair in text.Split([',', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[1].Length == 0)
                throw new TransferFormatException("csv.mapping", $"'{pair}' is not of the form part=column (e.g. title=Name).");
            var column = int.TryParse(parts[1], out var position) && position > 0 ? CsvColumn.At(position - 1) : CsvColumn.Named(parts[1]);
            mapping = parts[0].ToLowerInvariant() switch
            {
                "title" => mapping with { Title = column },
                "username" or "user" => mapping with { UserName = column },
                "password" => mapping with { Password = column },
                "url" => mapping with { Url = column },
                "notes" => mapping with { Notes = column },
                "totp" => mapping with { Totp = column },
                "folder" => mapping with { Folder = column },
                "tags" => mapping with { Tags = column },
                "expires" => mapping with { Expires = column },
                "servicelimitation" => mapping with { ServiceLimitation = column },
                "fields" => mapping with { Fields = column },
                "secretfields" => mapping with { SecretFields = column },
                "dateformat" => mapping with { DateFormat = parts[1] },
                _ => throw new TransferFormatException("csv.mapping",
                    $"Unknown part '{parts[0]}'; use title, userName, password, url, notes, totp, folder, tags, expires, serviceLimitation, fields, secretFields or dateFormat."),
            };
        }
        return mapping;
    }
}
