using Custos.Core.Common;

namespace Custos.Core.Backup;

public static class BackupErrors
{
    public static readonly Error NotFound = new("backup.target_not_found", "No backup target of that name.");
    public static readonly Error NameTaken = new("backup.target_name_taken", "A backup target of that name exists already.");
    public static readonly Error AdministratorsOnly = new("backup.administrators_only", "Only administrators manage backups.");
    public static readonly Error Busy = new("backup.busy", "Another backup, verification, drill or restore is running on this instance; try again when it has finished.");
    public static Error Invalid(string message) => new("backup.invalid", message);
    public static Error Restic(string message) => new("backup.restic", message);
}
