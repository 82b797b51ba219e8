using Cronos;

namespace Custos.Core.Backup;

/// <summary>Cron expressions (five fields) in the server's local time zone, as an operator writes them in a crontab.</summary>
public static class BackupSchedule
{
    public static CronExpression? Parse(string expression) =>
        CronExpression.TryParse(expression, CronFormat.Standard, out var cron) ? cron : null;

    /// <summary>The next time the schedule fires after <paramref name="after"/>.</summary>
    public static DateTimeOffset? Next(string expression, DateTimeOffset after, TimeZoneInfo zone) =>
        Parse(expression)?.GetNextOccurrence(after, zone);

    /// <summary>The last time the schedule fired at or before <paramref name="now"/>, looking back at most <paramref name="horizon"/>.</summary>
    public static DateTimeOffset? Previous(string expression, DateTimeOffset now, TimeSpan horizon, TimeZoneInfo zone)
    {
        var cron = Parse(expression);
        if (cron is null) return null;
        DateTimeOffset? last = null;
        foreach (var occurrence in cron.GetOccurrences(now - horizon, now, zone, fromInclusive: true, toInclusive: true)) last = occurrence;
        return last;
    }
}
