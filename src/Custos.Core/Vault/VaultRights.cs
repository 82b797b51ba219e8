namespace Custos.Core.Vault;

/// <summary>
/// What a grant allows on a folder or entry (TOM 6.10). <see cref="Use"/> shows title, user name and URL but never a
/// secret; <see cref="Read"/> reveals secrets; <see cref="Modify"/> changes an entry; <see cref="Create"/> adds entries
/// and folders to a folder; <see cref="Manage"/> changes rights and decides access requests.
/// </summary>
[Flags]
public enum VaultRights
{
    None = 0,
    Use = 1,
    Read = 2,
    Modify = 4,
    Create = 8,
    Manage = 16,
}

public static class VaultRightsExtensions
{
    public const VaultRights All = VaultRights.Use | VaultRights.Read | VaultRights.Modify | VaultRights.Create | VaultRights.Manage;

    /// <summary>
    /// Every right includes seeing the entry (Use); Manage includes everything, because its holder could grant
    /// themselves the rest anyway — better that this is visible than pretended away.
    /// </summary>
    public static VaultRights Normalize(this VaultRights rights) =>
        rights.HasFlag(VaultRights.Manage) ? All
        : rights == VaultRights.None ? VaultRights.None
        : rights | VaultRights.Use;

    public static bool Allows(this VaultRights held, VaultRights wanted) => (held & wanted) == wanted;

    public static VaultRights Parse(string text)
    {
        var rights = VaultRights.None;
        foreach (var part in text.Split([',', ' ', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<VaultRights>(part, ignoreCase: true, out var one) || one == VaultRights.None || !Enum.IsDefined(one))
                throw new FormatException($"Unknown right '{part}'; rights are use, read, modify, create and manage.");
            rights |= one;
        }
        return rights.Normalize();
    }

    public static string Describe(this VaultRights rights) =>
        rights == VaultRights.None ? "none" : string.Join(",", Enum.GetValues<VaultRights>().Where(r => r != VaultRights.None && rights.HasFlag(r))
            .Select(r => r.ToString().ToLowerInvariant()));
}
