using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Custos.Core.Common;

namespace Custos.Core.Sluice.Disarm;

/// <summary>How a converter run ended: <see cref="Found"/> is false when the program could not be started at all.</summary>
internal sealed record ProgramRun(bool Found, int ExitCode, IReadOnlyList<string> OutputTail, IReadOnlyList<string> ErrorTail)
{
    public static readonly ProgramRun NotFound = new(false, -1, [], []);

    /// <summary>The last lines the program printed, for a failure's detail. Ghostscript prints its errors on stdout.</summary>
    public string Complaint(int lines = 4)
    {
        var picked = ErrorTail.TakeLast(lines).Concat(OutputTail.TakeLast(lines))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.Contains("javaldx", StringComparison.Ordinal))
            .ToList();
        return picked.Count == 0 ? "no message" : string.Join(" | ", picked);
    }
}

/// <summary>
/// Runs a converter on hostile input: no shell, a clean environment whose HOME and TMPDIR are the private work directory,
/// stdin closed, output bounded, and on timeout or cancellation the whole process tree is killed before this returns.
/// </summary>
internal static class ExternalProgram
{
    private const string FallbackPath = "/usr/local/bin:/usr/bin:/bin";
    private const int MaxLineChars = 2048;
    private const int TailLines = 40;

    /// <param name="onErrorLine">Sees every stderr line (cut at 2048 characters) as it arrives, for output too long to keep.</param>
    public static async Task<ProgramRun> RunAsync(string program, IEnumerable<string> arguments, string workDirectory,
        CancellationToken ct, Action<string>? onErrorLine = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // Nothing of the server's environment (connection strings, tokens) reaches a program that parses hostile files.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : FallbackPath;
        start.Environment["HOME"] = workDirectory;
        start.Environment["TMPDIR"] = workDirectory;
        start.Environment["LANG"] = "C.UTF-8";

        using var process = new Process { StartInfo = start };
        ct.ThrowIfCancellationRequested();
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            return ProgramRun.NotFound;
        }

        process.StandardInput.Close();
        var output = ReadTailAsync(process.StandardOutput, null);
        var errors = ReadTailAsync(process.StandardError, onErrorLine);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            await ProcessTree.KillAsync(process);
            throw;
        }

        // A grandchild that kept the pipes open must not keep us waiting.
        await Task.WhenAny(Task.WhenAll(output, errors), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        return new ProgramRun(true, process.ExitCode, Finished(output), Finished(errors));
    }

    private static IReadOnlyList<string> Finished(Task<IReadOnlyList<string>> tail) =>
        tail.IsCompletedSuccessfully ? tail.Result : [];

    private static async Task<IReadOnlyList<string>> ReadTailAsync(StreamReader reader, Action<string>? onLine)
    {
        var tail = new Queue<string>();
        var line = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    Emit(line, tail, onLine);
                }
                else if (line.Length < MaxLineChars && (c == '\t' || !char.IsControl(c)))
                {
                    line.Append(c);
                }
            }
        }
        if (line.Length > 0) Emit(line, tail, onLine);
        return tail.ToArray();
    }

    private static void Emit(StringBuilder line, Queue<string> tail, Action<string>? onLine)
    {
        var text = line.ToString();
        line.Clear();
        onLine?.Invoke(text);
        tail.Enqueue(text);
        if (tail.Count > TailLines) tail.Dequeue();
    }
}
