using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Custos.Web.Documents.Pages;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Backup.Pages;

/// <summary>
/// Adds a target: a new repository is initialised, an existing one attached with its password. The password and the
/// backend credentials are handler arguments, not part of the form model, so a page answered after a refusal cannot
/// show them again.
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class AddTargetModel(BackupTargets targets) : BackupPageModel
{
    public sealed class TargetForm
    {
        public string? Name { get; set; }
        public string? Repository { get; set; }
        public string Role { get; set; } = "local";
        /// <summary>restic's -o options, one key=value a line.</summary>
        public string? Options { get; set; }
        public bool Existing { get; set; }
        public string? Schedule { get; set; }
        public int? KeepDaily { get; set; } = BackupOptions.DefaultRetention.KeepDaily;
        public int? KeepWeekly { get; set; } = BackupOptions.DefaultRetention.KeepWeekly;
        public int? KeepMonthly { get; set; } = BackupOptions.DefaultRetention.KeepMonthly;
    }

    [BindProperty]
    public TargetForm Form { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? password, string? environment, CancellationToken ct)
    {
        if (!Enum.TryParse<BackupRole>(Form.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role))
        {
            Refuse(BackupErrors.Invalid("The role is local or off-site."));
            return Page();
        }
        var credentials = ParseEnvironment(environment);
        if (credentials is null)
        {
            // The line itself is not repeated: it may hold a credential.
            Refuse(BackupErrors.Invalid("Each credential line is NAME=value."));
            return Page();
        }
        var keep = new ResticRetention(Form.KeepDaily ?? -1, Form.KeepWeekly ?? -1, Form.KeepMonthly ?? -1);
        var generated = string.IsNullOrEmpty(password);
        var added = await targets.AddAsync(new BackupTargetInput(Form.Name ?? "", Form.Repository ?? "", role, Lines(Form.Options),
            generated ? null : password, credentials, Form.Schedule, keep, Form.Existing), HttpContext.Actor(), ct);
        if (!added.Succeeded)
        {
            Refuse(added.Error!);
            return Page();
        }
        return BackToOverview(new PageMessage(generated ? "Backup_AddedGenerated" : "Backup_Added", added.Value!.Name, false));
    }

    private static List<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>NAME=value lines as restic's environment (S3 or REST credentials); null when a line is not of that form.</summary>
    private static Dictionary<string, string>? ParseEnvironment(string? text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0) return null;
            variables[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return variables;
    }
}
