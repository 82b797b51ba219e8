using System.Text;

namespace Custos.Commands.Vault;

/// <summary>Secrets come from files or standard input ("-"), never from arguments, which the shell history and `ps` keep.</summary>
internal static class SecretFiles
{
    public const string StandardInput = "-";

    /// <summary>The first line: a password file usually ends with a line break that is not part of the password.</summary>
    public static string ReadFirstLine(string path, string option, TextWriter? prompt = null, string label = "Password")
    {
        if (path == StandardInput) return ReadStandardInputLine(prompt, label);
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            return reader.ReadLine() ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot read {option} '{path}': {e.Message}");
        }
    }

    public static string ReadAll(string path, string option)
    {
        try
        {
            return path == StandardInput ? Console.In.ReadToEnd() : File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot read {option} '{path}': {e.Message}");
        }
    }

    public static byte[] ReadBytes(string path, string option, long maxBytes)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > maxBytes) throw new CommandException($"{option} '{path}' is larger than {maxBytes / 1024:N0} KiB.");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot read {option} '{path}': {e.Message}");
        }
    }

    /// <summary>From a pipe as it comes; typed at a terminal, without echo.</summary>
    private static string ReadStandardInputLine(TextWriter? prompt, string label)
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine() ?? "";
        prompt?.Write($"{label} (not shown): ");
        prompt?.Flush();
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0) typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
        prompt?.WriteLine();
        return typed.ToString();
    }
}
