using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Custos.Commands.SecureUse;

/// <summary>
/// The terminal `custos ssh ENTRY` runs in. When both ends are a terminal, it is switched to raw mode (every key goes to
/// the remote side as typed, Ctrl+C included) and back afterwards, with stty, as ssh does with termios; its size comes
/// from stty too, so the runtime's own console handling never touches the terminal's settings.
/// </summary>
internal static class LocalTerminal
{
    private const string Stty = "stty";

    public static bool IsInteractive => !Console.IsInputRedirected && !Console.IsOutputRedirected;

    /// <summary>
    /// File descriptors 0 and 1 as plain streams. The runtime's console streams would read a terminal line by line with
    /// their own echo, and set up the terminal (keypad mode) on first use; a remote shell wants the bytes as typed.
    /// </summary>
    public static Stream OpenInput() => new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);

    public static Stream OpenOutput() => new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);

    /// <summary>Raw mode until disposed; null when stdin is not a terminal or stty is missing.</summary>
    public static IDisposable? EnterRawMode()
    {
        if (!IsInteractive || Run("-g") is not { Length: > 0 } saved) return null;
        if (Run("raw", "-echo") is null) return null;
        return new Restore(saved.Trim());
    }

    /// <summary>Columns and rows of the terminal, or 80×24 when there is none.</summary>
    public static (int Cols, int Rows) Size()
    {
        var parts = (IsInteractive ? Run("size") : null)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var rows, var cols] && int.TryParse(cols, out var c) && int.TryParse(rows, out var r) && c > 0 && r > 0 ? (c, r) : (80, 24);
    }

    /// <summary>Runs stty on this terminal (stdin inherited); its output, or null when it failed.</summary>
    private static string? Run(params string[] args)
    {
        var start = new ProcessStartInfo(Stty) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed class Restore(string saved) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) Run(saved);
        }
    }
}
