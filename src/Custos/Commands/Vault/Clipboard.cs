using System.Diagnostics;
using System.Text;

namespace Custos.Commands.Vault;

/// <summary>
/// The desktop clipboard through the usual tools (wl-copy, xclip, xsel; pbcopy on macOS) or the command in
/// CUSTOS_CLIPBOARD_COMMAND. The value always travels on the tool's standard input, never as an argument or in the
/// environment, where other users' `ps` would see it.
/// </summary>
internal sealed class Clipboard
{
    public const string CommandVariable = "CUSTOS_CLIPBOARD_COMMAND";
    public const string ReadCommandVariable = "CUSTOS_CLIPBOARD_READ_COMMAND";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(10);

    private readonly string[] copy;
    private readonly string[]? read;

    private Clipboard(string[] copy, string[]? read)
    {
        this.copy = copy;
        this.read = read;
    }

    /// <summary>The configured command, else the first tool present whose display is running.</summary>
    public static Clipboard Find()
    {
        if (Environment.GetEnvironmentVariable(CommandVariable) is { Length: > 0 } command)
            return new Clipboard(Shell(command), Environment.GetEnvironmentVariable(ReadCommandVariable) is { Length: > 0 } r ? Shell(r) : null);
        var wayland = Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is { Length: > 0 };
        var x11 = Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 };
        (bool Usable, string[] Copy, string[] Read)[] tools =
        [
            (wayland, ["wl-copy"], ["wl-paste", "--no-newline"]),
            (x11, ["xclip", "-selection", "clipboard"], ["xclip", "-selection", "clipboard", "-o"]),
            (x11, ["xsel", "--clipboard", "--input"], ["xsel", "--clipboard", "--output"]),
            (OperatingSystem.IsMacOS(), ["pbcopy"], ["pbpaste"]),
        ];
        foreach (var (usable, copyTool, readTool) in tools)
        {
            if (usable && OnPath(copyTool[0]))
                return new Clipboard(copyTool, OnPath(readTool[0]) ? readTool : null);
        }
        throw new CommandException("No clipboard tool found: install wl-copy (Wayland), xclip or xsel (X11, with DISPLAY set), or set " +
            $"{CommandVariable} to a command that reads the value on standard input.");
    }

    public Task CopyAsync(string value, CancellationToken ct) => RunAsync(copy, value, captureOutput: false, ct);

    /// <summary>
    /// Empties the clipboard unless it can be read back and holds something else by now (the user copied something
    /// new). Returns whether it cleared. When reading back fails the value is cleared anyway: better to lose something
    /// else than to leave a secret behind.
    /// </summary>
    public async Task<bool> ClearAsync(string value, CancellationToken ct)
    {
        if (read is not null)
        {
            string? current;
            try
            {
                current = await RunAsync(read, null, captureOutput: true, ct);
            }
            catch (CommandException)
            {
                current = null;
            }
            if (current is not null && current.TrimEnd('\r', '\n') != value.TrimEnd('\r', '\n')) return false;
        }
        await RunAsync(copy, "", captureOutput: false, ct);
        return true;
    }

    private static string[] Shell(string command) =>
        OperatingSystem.IsWindows() ? ["cmd.exe", "/d", "/c", command] : ["/bin/sh", "-c", command];

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static async Task<string?> RunAsync(string[] command, string? input, bool captureOutput, CancellationToken ct)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            // The copy tools fork a helper that keeps serving the clipboard; it must not hold a pipe of ours open.
            RedirectStandardOutput = captureOutput,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = captureOutput ? new UTF8Encoding(false) : null,
        };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ToolTimeout);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CommandException($"Cannot run the clipboard tool '{command[0]}': {e.Message}");
        }
        try
        {
            var output = captureOutput ? process.StandardOutput.ReadToEndAsync(timeout.Token) : null;
            if (input is not null) await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0) throw new CommandException($"The clipboard tool '{Describe(command)}' failed (exit code {process.ExitCode}).");
            return output is null ? null : await output;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CommandException($"The clipboard tool '{Describe(command)}' did not finish within {ToolTimeout.TotalSeconds:0} seconds.");
        }
        catch (IOException)
        {
            // It exited or closed its input without reading the value (a broken pipe).
            throw new CommandException($"The clipboard tool '{Describe(command)}' did not take the value.");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static string Describe(string[] command) => command[0] == "/bin/sh" || command[0] == "cmd.exe" ? command[^1] : string.Join(' ', command);
}
