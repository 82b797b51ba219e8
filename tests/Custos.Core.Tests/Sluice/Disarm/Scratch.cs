using System.Text;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>
/// A private directory per test, laid out as the sluice does it: the checked input in one place, an empty work
/// directory for the disarmer in another.
/// </summary>
internal sealed class Scratch : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("custos-disarm-test-");

    public Scratch()
    {
        Directory.CreateDirectory(Path.Combine(root.FullName, "in"));
        Work = Directory.CreateDirectory(Path.Combine(root.FullName, "work")).FullName;
    }

    public string Work { get; }

    public string Input(byte[] content)
    {
        // The checked plaintext carries no extension, as in the sluice: the kind comes from the inspector.
        var path = Path.Combine(root.FullName, "in", "plaintext");
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => root.Delete(recursive: true);

    /// <summary>Command lines of running processes that mention <paramref name="text"/> (Linux /proc).</summary>
    public static IReadOnlyList<string> ProcessesMentioning(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!Path.GetFileName(dir).All(char.IsAsciiDigit)) continue;
            try
            {
                var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal)) found.Add(commandLine);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
