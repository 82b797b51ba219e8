using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Sluice;
using Custos.Web.Documents;

namespace Custos.Web.Sluice;

/// <summary>How uploads through the sluice answer: the document once released, "accepted" while the file waits, an error once blocked.</summary>
internal static class SluiceApi
{
    public const string QuarantineHeader = "X-Custos-Quarantine";

    public static IResult Problem(Error error) => error.Code.StartsWith("sluice.", StringComparison.Ordinal)
        ? Results.Problem(statusCode: StatusOf(error), title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code })
        : DocumentApi.Problem(error);

    public static IResult From<T>(Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : Problem(result.Error!);

    /// <summary>
    /// Released: 200 with the document (the first one released; the header names the quarantine entry). Pending or in
    /// review: 202 with the quarantine entry, whose URL is in Location. Blocked: 422 with the reason and the checks.
    /// </summary>
    public static IResult Upload(HttpContext http, Result<SluiceIntake.Submitted> result)
    {
        if (!result.Succeeded) return Problem(result.Error!);
        var (item, documents) = result.Value!;
        http.Response.Headers[QuarantineHeader] = item.Id.ToString();
        if (item.State == nameof(QuarantineState.Released) && documents.Count > 0) return Results.Ok(documents[0]);
        var location = $"/api/v1/tenants/{item.Tenant.Value}/sluice/{item.Id}";
        // The target refused (the name was taken meanwhile, the lock was broken): answered as the target answers.
        if (item.State == nameof(QuarantineState.Blocked) && item.Reason == "sluice.target"
            && item.Checks.LastOrDefault(c => c.Code == "sluice.target")?.Detail is { } detail && detail.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon)
            return DocumentApi.Problem(new Error(detail[..colon], detail[(colon + 2)..]));
        if (item.State == nameof(QuarantineState.Blocked))
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: $"The sluice blocked the file: {Detail(item)}",
                extensions: new Dictionary<string, object?> { ["code"] = "sluice.blocked", ["reason"] = item.Reason, ["quarantine"] = item });
        return Results.Accepted(location, item);
    }

    /// <summary>The deciding check's detail in English (the UI shows the localised reason).</summary>
    public static string Detail(QuarantineView item) =>
        item.Checks.FirstOrDefault(c => c.Code == item.Reason) is { } c ? $"{c.Code}: {c.Detail}" : item.Reason ?? "";

    private static int StatusOf(Error error) => error.Code switch
    {
        "sluice.not_found" => 404,
        "sluice.forbidden" => 403,
        "sluice.not_in_review" or "sluice.second_reviewer" or "sluice.own_upload" => 409,
        "sluice.blocked" => 422,
        "sluice.unavailable" => 503,
        _ => 400,
    };
}
