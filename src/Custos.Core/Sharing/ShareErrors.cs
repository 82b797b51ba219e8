using Custos.Core.Common;

namespace Custos.Core.Sharing;

public static class ShareErrors
{
    public static readonly Error NotFound = new("share.not_found", "No such share link.");
    public static readonly Error Forbidden = new("share.forbidden", "You may not manage this share link.");
    public static readonly Error Ended = new("share.ended", "The link has ended.");
    public static readonly Error PasswordRequired = new("share.password_required", "The tenant's policy requires a password for every link.");
    public static readonly Error UploadsOff = new("share.uploads_off", "The tenant's policy does not allow upload requests.");
    public static readonly Error NothingToShare = new("share.empty", "There is nothing to share: no document is in reach.");
    public static readonly Error TooManyItems = new("share.too_many_items", "The link would hold more files than allowed.");
    public static Error Invalid(string message) => new("share.invalid", message);
    public static Error ExpiryTooLate(DateTimeOffset ceiling) =>
        new("share.expiry_too_late", $"A link may not live past {ceiling:yyyy-MM-dd HH:mm} UTC (the policy's maximum, counted from its creation).");

    /// <summary>The public side: every unusable token answers this one, whatever the reason.</summary>
    public static readonly Error Unavailable = new("share.unavailable", "This link does not exist or has ended.");
    public static readonly Error WrongPassword = new("share.wrong_password", "The password is not correct.");
    public static readonly Error Throttled = new("share.throttled", "Too many attempts; wait a minute and try again.");
    public static readonly Error LimitReached = new("share.limit_reached", "The download limit of this link has been reached.");
    public static readonly Error UploadTooLarge = new("share.upload_too_large", "The file is larger than this link still accepts.");
    public static readonly Error UploadTooMany = new("share.upload_too_many", "This link accepts no more files.");
}
