using System.Globalization;
using Custos.Core.Backup;

namespace Custos.Commands.Backup;

/// <summary>
/// The CLI's view of a running backup: one redrawn line on a terminal (phase, percent, bytes, files), or one line per
/// phase change when standard error is a pipe or a log.
/// </summary>
internal sealed class BackupProgressLine(TextWriter error) : IProgress<BackupProgress>, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly bool terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private readonly Lock gate = new();
    private BackupPhase? lastPhase;
    private DateTime lastDrawn;
    private int lastLength;

    public void Report(BackupProgress value)
    {
        lock (gate)
        {
            var changed = value.Phase != lastPhase;
            lastPhase = value.Phase;
            if (!terminal)
            {
                if (changed) error.WriteLine($"{value.Target}: {Describe(value.Phase)}");
                return;
            }
            if (!changed && DateTime.UtcNow - lastDrawn < Interval) return;
            lastDrawn = DateTime.UtcNow;
            var text = $"{value.Target}: {Describe(value.Phase)}";
            if (value.Restic is { } r)
                text += string.Create(CultureInfo.InvariantCulture,
                    $" {r.PercentDone * 100,5:F1} %  {r.BytesDone / 1048576.0:N0} / {r.TotalBytes / 1048576.0:N0} MiB  {r.FilesDone:N0} / {r.TotalFiles:N0} files  {r.Elapsed:hh\\:mm\\:ss}");
            error.Write("\r" + text.PadRight(lastLength));
            lastLength = text.Length;
        }
    }

    public static string Describe(BackupPhase phase) => phase switch
    {
        BackupPhase.Preparing => "copying the database and linking blobs",
        BackupPhase.Uploading => "restic backup",
        BackupPhase.Journal => "storing the erasure journal",
        BackupPhase.Pruning => "applying retention (forget --prune)",
        BackupPhase.Verifying => "verifying (restic check)",
        BackupPhase.Restoring => "restoring",
        BackupPhase.Checking => "checking",
        _ => phase.ToString(),
    };

    public void Dispose()
    {
        lock (gate)
        {
            if (terminal && lastLength > 0) error.Write("\r" + new string(' ', lastLength) + "\r");
            lastLength = 0;
        }
    }
}
