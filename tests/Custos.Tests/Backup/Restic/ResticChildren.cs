namespace Custos.Tests.Backup.Restic;

/// <summary>The restic processes this test process started, as /proc shows them to anyone on the machine.</summary>
public static class ResticChildren
{
    public sealed record Child(int Pid, string CommandLine, string Environment);

    /// <summary>Children of this process running restic whose command line mentions <paramref name="marker"/> (a test's own directory).</summary>
    public static IReadOnlyList<Child> Find(string marker)
    {
        var children = new List<Child>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) != Environment.ProcessId) continue;
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!commandLine.Contains("restic", StringComparison.Ordinal) || !commandLine.Contains(marker, StringComparison.Ordinal)) continue;
                children.Add(new Child(pid, commandLine, File.ReadAllText(Path.Combine(dir, "environ")).Replace('\0', '\n')));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }
}
