using Custos.Core.Vault.Transfer.Bitwarden;
using Custos.Core.Vault.Transfer.Csv;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Vault.Transfer;

public enum TransferFormat
{
    Kdbx,
    BitwardenJson,
    BitwardenCsv,
    Csv,
}

/// <summary>One entry point to every reader and writer, by format name as the API and the command line spell it.</summary>
public static class TransferFormats
{
    public static TransferFormat Parse(string? name) => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "kdbx" or "keepass" => TransferFormat.Kdbx,
        "bitwarden" or "bitwarden-json" => TransferFormat.BitwardenJson,
        "bitwarden-csv" => TransferFormat.BitwardenCsv,
        "csv" => TransferFormat.Csv,
        _ => throw new TransferFormatException("transfer.format", $"Unknown format '{name}'; use kdbx, bitwarden-json, bitwarden-csv or csv."),
    };

    public static string FileExtension(TransferFormat format) => format switch
    {
        TransferFormat.Kdbx => "kdbx",
        TransferFormat.BitwardenJson => "json",
        _ => "csv",
    };

    /// <exception cref="TransferFormatException">The file cannot be read (wrong password, corrupt, unsafe, too large).</exception>
    public static TransferDocument Read(TransferFormat format, Stream input, string? password, byte[]? keyFile, GenericCsvOptions? csv = null) =>
        format switch
        {
            TransferFormat.Kdbx when password is null && keyFile is null =>
                throw new TransferFormatException("kdbx.key-required", "A KeePass file opens with its password, its key file or both; give them."),
            TransferFormat.Kdbx => KdbxReader.Read(input, new KdbxCredentials(password, keyFile)),
            TransferFormat.BitwardenJson => BitwardenJsonReader.Read(input),
            TransferFormat.BitwardenCsv => BitwardenCsvReader.Read(input),
            _ => GenericCsvReader.Read(input, csv),
        };

    /// <summary>Writes the tree; KeePass files are encrypted with <paramref name="password"/>, the other formats are plaintext.</summary>
    public static IReadOnlyList<TransferSkip> Write(TransferFormat format, TransferFolder root, Stream output, string? password)
    {
        switch (format)
        {
            case TransferFormat.Kdbx:
                if (string.IsNullOrEmpty(password))
                    throw new TransferFormatException("transfer.password-required", "A KeePass export needs a password for the file.");
                KdbxWriter.Write(root, output, new KdbxCredentials(password));
                return [];
            case TransferFormat.BitwardenJson:
                return BitwardenJsonWriter.Write(root, output);
            case TransferFormat.Csv:
                return CsvExporter.Write(root, output);
            default:
                throw new TransferFormatException("transfer.format", "Custos exports KeePass (kdbx), Bitwarden JSON and CSV.");
        }
    }
}
