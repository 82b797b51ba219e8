using System.Text.Json;
using Custos.Core.Common;
using Custos.Core.Vault;

namespace Custos.Core.SecureUse.Web;

public enum WebLoginMethod
{
    /// <summary>HTTP Basic: the Authorization header is added to every forwarded request.</summary>
    Basic,
    /// <summary>A login form posted once, server-side, when the session opens; the target's cookies are kept by Custos.</summary>
    Form,
}

/// <summary>
/// Where and how a web entry logs in: its main URL (http or https), its user name, its password, and the text field
/// <c>login</c> (<c>basic</c> or <c>form</c>). A form login may name <c>login-url</c> (default: the main URL; same origin
/// only, so the credential goes nowhere else), <c>username-field</c>, <c>password-field</c> and <c>totp-field</c>
/// (filled with a code from the entry's TOTP seed).
/// </summary>
public sealed record WebTarget(Uri Main, string UserName, WebLoginMethod Method, Uri LoginUrl, string UserNameField, string PasswordField, string? TotpField)
{
    public const string LoginField = "login";
    public const string LoginUrlField = "login-url";
    public const string UserNameFieldName = "username-field";
    public const string PasswordFieldName = "password-field";
    public const string TotpFieldName = "totp-field";

    /// <summary>scheme://host[:port] without a trailing slash: what requests are forwarded to.</summary>
    public string Origin => Main.GetLeftPart(UriPartial.Authority);

    /// <summary>Where the browser lands after the launch: the main URL's path and query.</summary>
    public string StartPath => string.IsNullOrEmpty(Main.PathAndQuery) ? "/" : Main.PathAndQuery;

    /// <summary>True when the entry is meant for the web proxy (an http(s) main URL and a <c>login</c> field).</summary>
    public static bool IsWebEntry(IReadOnlyList<string> urls, IReadOnlyDictionary<string, string> textFields) =>
        urls.Count > 0 && textFields.ContainsKey(LoginField) &&
        Uri.TryCreate(urls[0], UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    public static Result<WebTarget> Of(VaultEntry entry) =>
        Of(JsonSerializer.Deserialize<List<string>>(entry.Urls) ?? [], entry.UserName,
            JsonSerializer.Deserialize<Dictionary<string, string>>(entry.TextFields) ?? []);

    public static Result<WebTarget> Of(IReadOnlyList<string> urls, string? userName, IReadOnlyDictionary<string, string> fields)
    {
        if (!IsWebEntry(urls, fields) || string.IsNullOrWhiteSpace(userName)) return WebErrors.NotWeb;
        var main = new Uri(urls[0]);
        if (!string.IsNullOrEmpty(main.UserInfo) || string.IsNullOrEmpty(main.Host)) return WebErrors.NotWeb;
        string? Field(string name) => fields.GetValueOrDefault(name)?.Trim() is { Length: > 0 } v ? v : null;
        var method = Field(LoginField)?.ToLowerInvariant() switch
        {
            "basic" => WebLoginMethod.Basic,
            "form" => (WebLoginMethod?)WebLoginMethod.Form,
            _ => null,
        };
        if (method is null) return WebErrors.Invalid("The field 'login' says 'basic' or 'form'.");
        var loginUrl = main;
        if (Field(LoginUrlField) is { } text)
        {
            if (!Uri.TryCreate(main, text, out var resolved) || resolved.GetLeftPart(UriPartial.Authority) != main.GetLeftPart(UriPartial.Authority))
                return WebErrors.Invalid("The login URL must be on the same origin as the entry's URL.");
            loginUrl = resolved;
        }
        return new WebTarget(main, userName, method.Value, loginUrl, Field(UserNameFieldName) ?? "username", Field(PasswordFieldName) ?? "password",
            Field(TotpFieldName));
    }

    public override string ToString() => $"{UserName}@{Origin}";
}
