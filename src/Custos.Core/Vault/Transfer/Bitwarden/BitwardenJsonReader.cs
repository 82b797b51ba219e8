using System.Text.Json;
using Custos.Core.Vault.Transfer.Csv;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>Reads Bitwarden's unencrypted JSON export: an individual vault (folders and items) or an organisation
/// vault (collections and items).</summary>
public static class BitwardenJsonReader
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <exception cref="TransferFormatException"><c>bitwarden.encrypted</c>, <c>bitwarden.corrupt</c> or
    /// <c>bitwarden.too-large</c>.</exception>
    public static TransferDocument Read(Stream input, BitwardenReadLimits? limits = null)
    {
        limits ??= BitwardenReadLimits.Default;
        byte[] bytes = BoundedInput.ReadAll(input, limits.MaxBytes, "bitwarden.too-large");
        using JsonDocument document = Parse(bytes);
        JsonElement export = document.RootElement;
        if (export.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt("The file is JSON, but not a Bitwarden export.");
        }

        if (BitwardenJson.Flag(export, "encrypted") || BitwardenJson.Flag(export, "passwordProtected"))
        {
            throw new TransferFormatException("bitwarden.encrypted",
                "This Bitwarden export is encrypted, and Custos can read only the unencrypted one. In Bitwarden, export " +
                "the vault again with the file format \".json\" (not \".json (Encrypted)\"), import that file, and delete it afterwards.");
        }

        if (!export.TryGetProperty("items", out JsonElement items) || items.ValueKind != JsonValueKind.Array)
        {
            throw Corrupt("The file is JSON, but not a Bitwarden export: it has no list of items.");
        }

        if (items.GetArrayLength() > limits.MaxItems)
        {
            throw new TransferFormatException("bitwarden.too-large", $"The export has more than {limits.MaxItems:N0} items.");
        }

        var root = new TransferFolder();
        var skipped = new List<TransferSkip>();
        var reader = new BitwardenItemReader(Containers(export, root), root, skipped);
        int number = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            reader.Add(item, ++number);
        }

        return new TransferDocument(root, skipped);
    }

    private static JsonDocument Parse(byte[] bytes)
    {
        int start = bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        try
        {
            return JsonDocument.Parse(bytes.AsMemory(start), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException error)
        {
            // The parser's message quotes the character it stumbled on, which may be part of a password: keep the
            // position only, and do not pass the exception on.
            throw Corrupt($"The file is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1} of that line).");
        }
    }

    private static Dictionary<string, BitwardenContainer> Containers(JsonElement export, TransferFolder root)
    {
        try
        {
            return BitwardenContainers.Read(export, root);
        }
        catch (BitwardenShapeException shape)
        {
            throw Corrupt($"The list of folders or collections is damaged: {shape.Message}.");
        }
    }

    private static TransferFormatException Corrupt(string message) => new("bitwarden.corrupt", message);
}
