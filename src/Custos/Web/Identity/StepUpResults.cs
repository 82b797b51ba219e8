using Custos.Core.Identity.SecurityKeys;

namespace Custos.Web.Identity;

/// <summary>
/// TOM 6.4's third factor for sensitive tenants and folders: a security-key proof from this session within the last
/// 15 minutes. The refusal names the page that gives the proof, so clients can send the user there and back.
/// </summary>
public static class StepUpResults
{
    public const string Code = "auth.step_up_required";

    public static bool Needed(HttpContext http, TimeProvider time, bool sensitive) =>
        sensitive && !StepUp.IsFresh(http.Session()!, time);

    /// <summary>
    /// 403 with the step-up page's address; <paramref name="returnUrl"/> is the local page to come back to. Callers ask only
    /// after reachability, so an unreachable tenant or folder still answers 404 and reveals nothing about its sensitivity.
    /// </summary>
    public static IResult Required(string? returnUrl = null) => Results.Problem(statusCode: 403, title: "Forbidden", detail: "step-up required",
        extensions: new Dictionary<string, object?>
        {
            ["code"] = Code,
            ["stepUpUrl"] = $"{StepUpModel.Route}?returnUrl={Uri.EscapeDataString(LoginModel.SafeReturnUrl(returnUrl))}",
        });
}
