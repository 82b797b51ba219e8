using Custos.Core.Backup;
using Custos.Core.Common;
using Custos.Web.Documents.Pages;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Backup.Pages;

/// <summary>
/// What the backup pages share: administrators only, and the line above the page, carried over a redirect (a button
/// that starts a run answers with the overview again, so a reload does not start it twice).
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public abstract class BackupPageModel : PageModel
{
    private const string KeyField = "BackupMessage";
    private const string ArgumentField = "BackupMessageArgument";
    private const string ErrorField = "BackupMessageError";

    public PageMessage? Message { get; protected set; }

    /// <summary>Redirects to the overview with <paramref name="message"/> shown there once.</summary>
    protected IActionResult BackToOverview(PageMessage message)
    {
        TempData[KeyField] = message.Key;
        TempData[ArgumentField] = message.Argument;
        TempData[ErrorField] = message.IsError;
        return Redirect("/backup");
    }

    /// <summary>The message a redirect left for this page, if any.</summary>
    protected void TakeMessage()
    {
        if (TempData[KeyField] is string key) Message = new PageMessage(key, TempData[ArgumentField] as string, TempData[ErrorField] is true);
    }

    /// <summary>Shows a refusal above the page (the form stays as it was sent) with 400, as the administration pages do.</summary>
    protected void Refuse(Error error)
    {
        Message = BackupMessages.From(error);
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}

/// <summary>A backup service's refusal as a line of the page: its own text where the code has one ("Backup_Error_&lt;code&gt;").</summary>
public static class BackupMessages
{
    private static readonly HashSet<string> KnownCodes =
    [
        BackupErrors.NotFound.Code, BackupErrors.NameTaken.Code, BackupErrors.AdministratorsOnly.Code, BackupErrors.Busy.Code, "backup.invalid", "backup.restic",
    ];

    public static PageMessage From(Error error) =>
        KnownCodes.Contains(error.Code) ? new("Backup_Error_" + error.Code, error.Message, true) : PageMessage.From(error);
}
