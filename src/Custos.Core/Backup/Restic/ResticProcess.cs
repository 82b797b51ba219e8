using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Custos.Core.Common;

namespace Custos.Core.Backup.Restic;

/// <summary>How a restic run ended: its exit code and the last lines it wrote to stderr (already scrubbed of secrets).</summary>
internal sealed record ResticRun(int ExitCode, IReadOnlyList<string> ErrorLines);

/// <summary>Reads restic's stdout while it runs, to its end; throwing stops restic.</summary>
internal delegate Task ResticOutputReader(Stream stdout, CancellationToken ct);

/// <summary>
/// Runs one restic command: no shell, the password and repository through files (<see cref="ResticSecretFiles"/>), stdin
/// closed at once (or fed and closed), stdout and stderr read concurrently so neither pipe fills up, and an environment
/// in which nothing inherited named RESTIC_* can change what runs. Cancellation kills the whole process tree (ssh
/// included) and throws <see cref="OperationCanceledException"/>; a killed restic leaves its lock behind, which the next
/// run's <c>unlock</c> removes as stale.
/// </summary>
internal sealed class ResticProcess(ResticLocation location, string password, ResticSettings settings)
{
    private const int MaxErrorLines = 2000;
    private const int MaxLineChars = 4096;
    private const string Redaction = "[redacted]";

    private readonly ResticLocation location = location;
    private readonly string password = password;
    private readonly ResticSettings settings = settings;

    public async Task<ResticRun> RunAsync(IEnumerable<string> arguments, CancellationToken ct, ResticOutputReader? readOutput = null,
        ReadOnlyMemory<byte>? input = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ct.ThrowIfCancellationRequested();
        Directory.CreateDirectory(settings.CacheDirectory);
        using var secrets = ResticSecretFiles.Create(settings.SecretsDirectory, password, location.Repository);
        using var process = new Process { StartInfo = StartInfo(arguments, secrets, workingDirectory, environment) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ResticException(ResticFailureKind.Failed,
                $"restic could not be started ({settings.Executable}: {e.Message}). Install Debian's restic package or correct the configured path.");
        }

        var errors = ReadErrorLinesAsync(process.StandardError.BaseStream);
        var output = (readOutput ?? DiscardAsync)(process.StandardOutput.BaseStream, ct);
        try
        {
            await FeedInputAsync(process, input, ct);
            var exited = process.WaitForExitAsync(ct);
            // Whichever ends first: a reader that gives up (too much output, cancelled) must stop restic, not wait for it.
            await await Task.WhenAny(output, exited);
            await output.WaitAsync(ct);
            await exited;
            return new ResticRun(process.ExitCode, (await errors.WaitAsync(ct)).Select(Scrub).ToList());
        }
        catch
        {
            await ProcessTree.KillAsync(process);
            throw;
        }
    }

    /// <summary>Replaces the password, backend secrets and a repository string with credentials in any text restic printed.</summary>
    public string Scrub(string text)
    {
        if (location.Repository.Length > 0) text = text.Replace(location.Repository, location.Redacted, StringComparison.Ordinal);
        if (password.Length > 0) text = text.Replace(password, Redaction, StringComparison.Ordinal);
        // Values shorter than four characters (a region code, a flag) are not secrets and would garble every message.
        foreach (var value in location.Environment.Values.Where(v => v.Length >= 4))
            text = text.Replace(value, Redaction, StringComparison.Ordinal);
        return text;
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> arguments, ResticSecretFiles secrets, string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(settings.Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? settings.CacheDirectory,
        };
        // Global flags before the command: after a command's "--" they would be taken for paths.
        start.ArgumentList.Add("--password-file=" + secrets.PasswordFile);
        start.ArgumentList.Add("--repository-file=" + secrets.RepositoryFile);
        foreach (var option in location.Options) start.ArgumentList.Add("--option=" + option);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // RESTIC_PASSWORD, RESTIC_REPOSITORY, RESTIC_PASSWORD_COMMAND, RESTIC_KEY_HINT… in the server's environment
        // would otherwise take part in every run; only what this location and these settings say may.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RESTIC_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in location.Environment) start.Environment[key] = value;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        start.Environment["RESTIC_CACHE_DIR"] = settings.CacheDirectory;
        return start;
    }

    private static async Task FeedInputAsync(Process process, ReadOnlyMemory<byte>? input, CancellationToken ct)
    {
        try
        {
            if (input is { } bytes)
            {
                await process.StandardInput.BaseStream.WriteAsync(bytes, ct);
                await process.StandardInput.BaseStream.FlushAsync(ct);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // restic stopped reading (a wrong password, an unreachable target); its exit code and stderr say why.
        }
    }

    private static async Task DiscardAsync(Stream stdout, CancellationToken ct) => await stdout.CopyToAsync(Stream.Null, ct);

    private static async Task<IReadOnlyList<string>> ReadErrorLinesAsync(Stream stderr)
    {
        var lines = new Queue<string>();
        await ReadLinesAsync(stderr, line =>
        {
            lines.Enqueue(line);
            if (lines.Count > MaxErrorLines) lines.Dequeue();
        }, CancellationToken.None);
        return lines.ToArray();
    }

    /// <summary>Splits a UTF-8 stream into lines, each cut at 4096 characters, so that no output can grow memory without bound.</summary>
    internal static async Task ReadLinesAsync(Stream stream, Action<string> onLine, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        var line = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    onLine(line.ToString());
                    line.Clear();
                }
                else if (c != '\r' && line.Length < MaxLineChars)
                {
                    line.Append(c);
                }
            }
        }
        if (line.Length > 0) onLine(line.ToString());
    }
}
