using System.Diagnostics;
using Custos.Core.Backup;

namespace Custos.Storage.Backup;

/// <summary>Runs a database client tool (pg_dump, pg_restore) without a shell; secrets travel in its environment only.</summary>
internal static class ToolProcess
{
    public static async Task RunAsync(string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string what, CancellationToken ct)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BackupException($"{what}: {executable} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BackupException($"{what}: {executable} cannot be started ({e.Message}). Install the PostgreSQL client tools of the server's version.");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync(ct);
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw;
            }
            var error = (await stderr).Trim();
            await stdout;
            if (process.ExitCode != 0)
                throw new BackupException($"{what} failed (exit {process.ExitCode}): {Last(error)}");
        }
    }

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no message" : string.Join(" ", lines.TakeLast(3));
    }
}
