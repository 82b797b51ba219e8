using Custos.Core.Common;

namespace Custos.Core.SecureUse;

/// <summary>Why an SSH use was refused or failed. Never carries a secret: messages are ours, not the library's.</summary>
public static class SshErrors
{
    public static readonly Error NotSsh = new("ssh.not_ssh", "This entry is not an SSH login: it needs an ssh://host[:port] URL and a user name.");
    public static readonly Error NoCredential = new("ssh.no_credential", "The entry has neither a password nor a private key.");
    public static readonly Error BadKey = new("ssh.bad_key", "The entry's private key cannot be read (wrong format or passphrase).");
    public static readonly Error Unreachable = new("ssh.unreachable", "The SSH target cannot be reached.");
    public static readonly Error LoginFailed = new("ssh.login_failed", "The SSH target refused the entry's credential.");
    public static readonly Error TimedOut = new("ssh.timeout", "The command did not finish in time; it was stopped.");

    public static readonly Error NoSuchFile = new("ssh.no_such_file", "There is no such file on the target (or it is a directory).");
    public static readonly Error FileDenied = new("ssh.file_denied", "The target does not let the entry's user read or write that path.");
    public static readonly Error TransferFailed = new("ssh.transfer_failed", "The file transfer broke off; nothing was completed.");

    public static readonly Error ApprovalRequired = new("ssh.approval_required",
        "This folder needs an approved request before its entries are used: ask for a session (entry page, or custos vault request ENTRY --session), then someone with Manage approves it.");
    public static readonly Error ReasonRequired = new("ssh.reason_required", "This folder asks for a reason or ticket number with every use.");

    public static Error OutsideHours(string hours) => new("ssh.outside_hours", $"This folder allows sessions between {hours} only.");

    public static Error HostKeyUnconfirmed(string fingerprint) =>
        new("ssh.hostkey_unconfirmed", $"The target's host key {fingerprint} is not confirmed yet; someone with Manage on the entry must confirm it.");

    public static Error HostKeyMismatch(string pinned, string presented) =>
        new("ssh.hostkey_mismatch", $"The target's host key changed: {presented} instead of the confirmed {pinned}. Nothing was sent; the change is on record.");

    public static Error Invalid(string message) => new("ssh.invalid", message);
}
