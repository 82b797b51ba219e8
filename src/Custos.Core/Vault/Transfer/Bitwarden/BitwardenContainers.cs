using System.Text.Json;
using Custos.Core.Vault.Transfer.Csv;
using static Custos.Core.Vault.Transfer.Bitwarden.BitwardenJson;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>A Bitwarden folder or collection as a folder of the tree, with its path for the import report.</summary>
internal sealed record BitwardenContainer(TransferFolder Folder, string Path);

internal static class BitwardenContainers
{
    /// <summary>The folders of an individual export and the collections of an organisation export, by id. A name
    /// "a/b" is folder b inside folder a, as Bitwarden nests them; the parent is created if the file lacks it.</summary>
    public static Dictionary<string, BitwardenContainer> Read(JsonElement export, TransferFolder root)
    {
        var containers = new Dictionary<string, BitwardenContainer>(StringComparer.Ordinal);
        foreach (JsonElement container in List(export, "folders").Concat(List(export, "collections")))
        {
            if (container.ValueKind != JsonValueKind.Object)
            {
                throw new BitwardenShapeException("a folder or collection is not an object");
            }

            if (Text(container, "id") is not string id)
            {
                continue; // Nothing can refer to it; its name alone makes no folder worth keeping.
            }

            string[] names = FolderPaths.Split(Text(container, "name"));
            TransferFolder folder = FolderPaths.GetOrAdd(root, names);
            if (folder != root)
            {
                folder.SourceId ??= Id(container, "id");
            }

            containers[id] = new BitwardenContainer(folder, string.Join(FolderPaths.Separator, names));
        }

        return containers;
    }
}
