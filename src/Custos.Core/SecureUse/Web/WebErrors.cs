using Custos.Core.Common;

namespace Custos.Core.SecureUse.Web;

/// <summary>Why a web session was refused or failed. Never carries a secret, nor the target's own words.</summary>
public static class WebErrors
{
    public static readonly Error ProxyDisabled = new("web.proxy_disabled", "Web sessions are off: the server runs without --proxy-domain.");
    public static readonly Error NotWeb = new("web.not_web", "This entry is not a web login: it needs an http(s) URL, a user name and the field 'login' (basic or form).");
    public static readonly Error NoCredential = new("web.no_credential", "The entry has no password.");
    public static readonly Error NoTotp = new("web.no_totp", "The entry names a TOTP field but holds no readable TOTP seed.");
    public static readonly Error Unreachable = new("web.unreachable", "The web target cannot be reached.");
    public static readonly Error LoginFailed = new("web.login_failed", "The web target did not accept the entry's login.");
    public static readonly Error ReasonRequired = new("web.reason_required", "This folder asks for a reason or ticket number with every use.");

    public static Error OutsideHours(string hours) => new("web.outside_hours", $"This folder allows sessions between {hours} only.");

    public static Error Invalid(string message) => new("web.invalid", message);
}
