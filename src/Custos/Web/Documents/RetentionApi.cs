using Custos.Core.Common;
using Custos.Core.Documents;

namespace Custos.Web.Documents;

/// <summary>Problem details for retention and legal-hold errors; every other document error maps as in <see cref="DocumentApi"/>.</summary>
internal static class RetentionApi
{
    public static IResult From<T>(Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : Problem(result.Error!);

    public static IResult Problem(Error error) => StatusOf(error) is { } status
        ? Results.Problem(statusCode: status, title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code })
        : DocumentApi.Problem(error);

    private static int? StatusOf(Error error) => error.Code switch
    {
        // WORM and holds: the request is fine, the document's state refuses it.
        DocumentRetentionErrors.RetainedCode or DocumentRetentionErrors.HeldCode => 409,
        "retention.class_not_found" or "document.hold_not_found" => 404,
        "retention.administrators_only" => 403,
        "retention.class_name_taken" or "document.hold_released" => 409,
        "retention.invalid" => 400,
        _ => null,
    };
}
