using Custos.Core.Vault;

namespace Custos.Web.Vault.Pages;

/// <summary>The rights dialog of a folder, an entry or the vault root, for Manage holders.</summary>
public sealed record GrantsPanel(Guid? Folder, Guid? Entry, IReadOnlyList<GrantView> Grants, IReadOnlyList<string> Groups);

/// <summary>The rights a form sends as checkboxes named "rights".</summary>
public static class RightsForm
{
    public static readonly VaultRights[] Choices = [VaultRights.Use, VaultRights.Read, VaultRights.Modify, VaultRights.Create, VaultRights.Manage];

    public static VaultRights Parse(IEnumerable<string>? values) =>
        (values ?? []).Aggregate(VaultRights.None, (all, v) => Enum.TryParse<VaultRights>(v, true, out var r) && Choices.Contains(r) ? all | r : all).Normalize();
}
