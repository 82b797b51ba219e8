using Custos.Core.Common;
using Custos.Core.Sharing;
using Custos.Core.Tenants;
using Custos.Web.Documents.Pages;

namespace Custos.Web.Sharing.Pages;

/// <summary>
/// What the sender's share pages share with the document pages (the tenant from the route, 404 for "missing" and "not
/// yours", the caller, the notice line), plus their addresses and the share services' refusals in the page's language.
/// </summary>
public abstract class SharePageModel(AccessPolicy policy, TenantAdministration tenants) : DocumentPageModel(policy, tenants)
{
    public string SharesUrl => $"/shares/{TenantRouteId}";

    public string LinkUrl(Guid id) => $"{SharesUrl}/{id}";

    /// <summary>Shows a service's refusal above the page; <paramref name="argument"/> replaces the English detail where the text has its own.</summary>
    protected void Refuse(Error error, string? argument = null) => Message = ShareMessages.From(error, argument);

    /// <summary>"Not found" and "not yours" are one answer; everything else is shown on the page.</summary>
    protected static bool IsNotFound(Error error) => error.Code == ShareErrors.NotFound.Code;
}

/// <summary>A share service's error as a line of the page: its own text where the code has one ("Share.Error.&lt;code&gt;").</summary>
public static class ShareMessages
{
    public static readonly HashSet<string> KnownCodes =
    [
        "share.not_found", "share.forbidden", "share.ended", "share.password_required", "share.uploads_off", "share.empty", "share.too_many_items",
        "share.invalid", "share.expiry_too_late",
    ];

    public static PageMessage From(Error error, string? argument = null) =>
        KnownCodes.Contains(error.Code) ? new("Share.Error." + error.Code, argument ?? error.Message, true)
        : error.Code.StartsWith("share.", StringComparison.Ordinal) ? new("Documents.Error.Other", error.Message, true)
        : PageMessage.From(error);
}

/// <summary>The form recording how a link's password was passed on, posted to the link's page.</summary>
public sealed record HandoverForm(string LinkUrl, string? Note);
