using Custos.Core.Backup;

namespace Custos.Web.Backup.Pages;

/// <summary>The red box of open backup alarms: on the overview with a button each, on the start page with a link to the overview.</summary>
public sealed record AlarmBox(IReadOnlyList<BackupAlarm> Alarms, bool OnOverview);
