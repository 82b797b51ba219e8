namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>A <see cref="CsvColumnMapping"/> resolved against a file's header: the position of each mapped column.</summary>
internal sealed class CsvColumnIndexes
{
    public int? Title { get; private init; }
    public int? UserName { get; private init; }
    public int? Password { get; private init; }
    public int? Url { get; private init; }
    public int? Notes { get; private init; }
    public int? Totp { get; private init; }
    public int? Folder { get; private init; }
    public int? Tags { get; private init; }
    public int? Expires { get; private init; }
    public int? Created { get; private init; }
    public int? Modified { get; private init; }
    public int? ServiceLimitation { get; private init; }
    public int? Fields { get; private init; }
    public int? SecretFields { get; private init; }

    public List<(int Index, CsvExtraColumn Column)> Extras { get; } = [];

    /// <summary>Throws <c>csv.missing-column</c> for a mapped column the file lacks, and when the file has no password
    /// column or nothing that names an entry (title, URL or user name).</summary>
    public static CsvColumnIndexes Resolve(CsvColumnMapping mapping, CsvInput input)
    {
        var indexes = new CsvColumnIndexes
        {
            Title = Find(mapping.Title, input),
            UserName = Find(mapping.UserName, input),
            Password = Find(mapping.Password, input),
            Url = Find(mapping.Url, input),
            Notes = Find(mapping.Notes, input),
            Totp = Find(mapping.Totp, input),
            Folder = Find(mapping.Folder, input),
            Tags = Find(mapping.Tags, input),
            Expires = Find(mapping.Expires, input),
            Created = Find(mapping.Created, input),
            Modified = Find(mapping.Modified, input),
            ServiceLimitation = Find(mapping.ServiceLimitation, input),
            Fields = Find(mapping.Fields, input),
            SecretFields = Find(mapping.SecretFields, input),
        };
        foreach (CsvExtraColumn extra in mapping.ExtraColumns)
        {
            indexes.Extras.Add((Find(extra.Column, input)!.Value, extra));
        }

        if (indexes.Password is null)
        {
            throw Missing("The file has no password column (such as Password, Passwort or Kennwort).");
        }

        if (indexes.Title is null && indexes.Url is null && indexes.UserName is null)
        {
            throw Missing("The file has no column that names the entries (such as Title, Titel, Name, URL or Username).");
        }

        return indexes;
    }

    private static int? Find(CsvColumn? column, CsvInput input)
    {
        if (column is null)
        {
            return null;
        }

        IReadOnlyList<string> header = input.Header;
        if (column.Index is int index)
        {
            return header.Count == 0 || index < header.Count
                ? index
                : throw Missing($"The file has only {header.Count} columns, so it has no {column}.");
        }

        return header.Count > 0 && input.Reader.TryGetFieldIndex(column.Header!, out int found)
            ? found
            : throw Missing($"The file has no column \"{column.Header}\".");
    }

    private static TransferFormatException Missing(string message) => new("csv.missing-column", message);
}
