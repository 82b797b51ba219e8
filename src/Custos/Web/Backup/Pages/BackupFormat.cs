using System.Globalization;
using System.Text.Encodings.Web;
using Custos.Core.Backup.Restic;
using Custos.Web.Documents.Pages;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace Custos.Web.Backup.Pages;

/// <summary>
/// How the backup pages write times, durations and sizes: in the page's culture, times in the server's time zone (the
/// one the schedules are written in), each also machine-readable in a &lt;time&gt; element.
/// </summary>
public static class BackupFormat
{
    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZoneInfo.Local).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>&lt;time datetime="2026-01-05T17:00:00Z"&gt;05.01.2026 18:00&lt;/time&gt;</summary>
    public static IHtmlContent TimeTag(DateTimeOffset at) => new HtmlString(
        $"<time datetime=\"{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\">{HtmlEncoder.Default.Encode(Time(at))}</time>");

    /// <summary>"850 ms", "12.4 s", "3:07 min", "1:02:09 h" (in the page's number format).</summary>
    public static string Duration(long milliseconds)
    {
        var span = TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
        if (span.TotalSeconds < 1) return milliseconds.ToString("N0", CultureInfo.CurrentCulture) + " ms";
        if (span.TotalMinutes < 1) return span.TotalSeconds.ToString("N1", CultureInfo.CurrentCulture) + " s";
        if (span.TotalHours < 1) return span.ToString(@"m\:ss", CultureInfo.InvariantCulture) + " min";
        return ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) + span.ToString(@"\:mm\:ss", CultureInfo.InvariantCulture) + " h";
    }

    public static string Size(long bytes) => DocumentFormat.Size(bytes);

    public static string Count(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>restic's fraction done as a whole percent (0–100).</summary>
    public static int Percent(ResticProgress progress) => (int)Math.Clamp(Math.Floor(progress.PercentDone * 100), 0, 100);

    /// <summary>The short form restic prints (8 characters); the full id goes into the title.</summary>
    public static string ShortId(string id) => id.Length > 8 ? id[..8] : id;

    /// <summary>The text of a value the core records in English ("manual", "failed"), where it has one; else the value itself.</summary>
    public static string Text(IStringLocalizer texts, string prefix, string value) =>
        texts[prefix + value] is { ResourceNotFound: false } text ? text.Value : value;

    /// <summary>A verification's scope: "part 3/7 of the data" or "all data".</summary>
    public static string Scope(IStringLocalizer texts, string scope) =>
        scope == "full" ? texts["Backup_Scope_Full"].Value : texts["Backup_Scope_Subset", scope].Value;

    /// <summary>A repository as it may be shown: credentials in a URL are left out (restic's own redaction).</summary>
    public static string Repository(string repository) => new ResticLocation(repository, [], new Dictionary<string, string>()).Redacted;
}
