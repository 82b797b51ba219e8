using System.Diagnostics;
using System.Globalization;

namespace Custos.Commands.Documents;

/// <summary>
/// One line on standard error, redrawn in place: done, total, percent and (for bytes) the average rate in MB/s. Only when
/// standard error is a terminal: in a pipe, a log file or a test the carriage returns would be noise, so nothing is written.
/// </summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private const int BarWidth = 24;

    // Ten redraws a second look smooth and cost nothing next to the transfer.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter? terminal;
    private readonly string label;
    private readonly long? total;
    private readonly string? items;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Lock gate = new();
    private TimeSpan? lastDrawn;
    private long done;
    private int lastLength;
    private bool finished;

    private ProgressBar(TextWriter? terminal, string label, long? total, string? items)
    {
        this.terminal = terminal;
        this.label = label.Length > 32 ? label[..31] + "…" : label;
        this.total = total is > 0 ? total : null;
        this.items = items;
    }

    /// <summary>A bar for a transfer of <paramref name="total"/> bytes (unknown: null); silent unless <paramref name="error"/> is a terminal.</summary>
    public static ProgressBar Bytes(TextWriter error, string label, long? total) => new(TerminalOf(error), label, total, null);

    /// <summary>A bar that counts things, e.g. "versions".</summary>
    public static ProgressBar Count(TextWriter error, string label, long total, string items) => new(TerminalOf(error), label, total, items);

    public void Report(long value)
    {
        if (terminal is null) return;
        lock (gate)
        {
            done = value;
            var now = clock.Elapsed;
            // Never drawn (null): the lifted comparison is false, so it draws now.
            if (finished || now - lastDrawn < Interval) return;
            lastDrawn = now;
            Draw(now);
        }
    }

    /// <summary>Wipes the bar so that a line of other output can be printed; the next report draws it again below.</summary>
    public void Clear()
    {
        if (terminal is null) return;
        lock (gate)
        {
            if (finished || lastLength == 0) return;
            terminal.Write("\r" + new string(' ', lastLength) + "\r");
            terminal.Flush();
            lastLength = 0;
            lastDrawn = null;
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Complete()
    {
        if (terminal is null) return;
        lock (gate)
        {
            if (finished) return;
            Draw(clock.Elapsed);
            terminal.WriteLine();
            finished = true;
        }
    }

    /// <summary>Ends a line that was drawn but not completed (a failure), so that the message after it starts on its own line.</summary>
    public void Dispose()
    {
        if (terminal is null) return;
        lock (gate)
        {
            if (finished) return;
            finished = true;
            if (lastLength > 0) terminal.WriteLine();
        }
    }

    private void Draw(TimeSpan elapsed)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{label} {Bar()}{Amount()}{Rate(elapsed)}");
        // Never wider than the terminal: a wrapped line cannot be redrawn with a carriage return.
        var width = WindowWidth();
        if (width > 1 && text.Length >= width) text = text[..(width - 1)];
        var pad = Math.Max(0, lastLength - text.Length);
        terminal!.Write("\r" + text + new string(' ', pad));
        terminal.Flush();
        lastLength = text.Length;
    }

    private string Bar()
    {
        if (total is not { } t) return "";
        var fraction = Math.Clamp((double)done / t, 0, 1);
        var filled = (int)Math.Round(fraction * BarWidth);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:0}%  ");
    }

    private string Amount() => items is not null
        ? string.Create(CultureInfo.InvariantCulture, $"{done:N0}/{total:N0} {items}")
        : total is { } t
            ? $"{ByteSize.Megabytes(done)}/{ByteSize.Megabytes(t)} MB"
            : $"{ByteSize.Megabytes(done)} MB";

    private string Rate(TimeSpan elapsed) =>
        items is not null || elapsed.TotalSeconds < 0.05 ? "" : string.Create(CultureInfo.InvariantCulture, $"  {done / 1e6 / elapsed.TotalSeconds:0.0} MB/s");

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 0;
        }
    }

    private static TextWriter? TerminalOf(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb" ? error : null;
}
