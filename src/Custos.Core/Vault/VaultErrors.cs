using Custos.Core.Common;

namespace Custos.Core.Vault;

public static class VaultErrors
{
    /// <summary>Missing and "not yours" answer alike, so ids of other tenants reveal nothing.</summary>
    public static readonly Error NotFound = new("vault.not_found", "No such folder or entry.");
    public static readonly Error Forbidden = new("vault.forbidden", "You do not have the right for this on this entry or folder.");
    public static readonly Error StepUpRequired = new("vault.step_up_required", "This folder is sensitive: confirm with your security key first.");
    public static readonly Error PermissionsRequired = new("vault.permissions_required",
        "Choose the rights explicitly: 'permissions' is required (an empty list with inheritance keeps only the inherited rights).");
    public static readonly Error VersionConflict = new("vault.version_conflict", "The entry was changed meanwhile; reload it and try again.");
    public static readonly Error Reused = new("vault.password_reused", "Another entry already holds this password; use a different one.");
    public static readonly Error Expired = new("vault.expired", "The password has expired and must be changed before it can be revealed.");
    public static readonly Error NoSuchField = new("vault.no_such_field", "The entry has no such field.");
    public static readonly Error AttachmentTooLarge = new("vault.attachment_too_large", "An attachment may have at most 10 MiB.");
    public static readonly Error RequestNotPending = new("vault.request_not_pending", "The request was decided already.");

    public static Error Invalid(string message) => new("vault.invalid", message);

    public static Error Policy(string message) => new("vault.policy", message);
}
