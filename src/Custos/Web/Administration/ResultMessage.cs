using Custos.Core.Common;

namespace Custos.Web.Administration;

/// <summary>The outcome line shown above an administration page after a form was sent: a text key and whether it failed.</summary>
public sealed record ResultMessage(string Key, bool IsError)
{
    public static ResultMessage Done => new("Admin.Done", false);
    public static ResultMessage Unchanged => new("Admin.Unchanged", false);

    public static ResultMessage From(Error? error) => error is null ? Done : new(error.Code, true);

    public static ResultMessage From<T>(Result<T> result) => result.Succeeded ? Done : new(result.Error!.Code, true);

    public static ResultMessage From(Result<bool> result) =>
        !result.Succeeded ? new(result.Error!.Code, true) : result.Value ? Done : Unchanged;
}
