using System.Runtime.Versioning;
using Custos.Core.Sluice.Disarm;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>
/// How converters are run, seen through stand-in programs: a failing converter's own words reach the detail, and the
/// server's environment does not reach the converter.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ConverterProcessTests : IDisposable
{
    private readonly Scratch scratch = new();
    private readonly DirectoryInfo bin = Directory.CreateTempSubdirectory("custos-disarm-bin-");

    public void Dispose()
    {
        scratch.Dispose();
        bin.Delete(recursive: true);
    }

    [Fact]
    public async Task DisarmAsync_GhostscriptExitsNonzero_FailsWithItsLastLines()
    {
        var gs = Program("gs", """
            echo "GPL Ghostscript 10.00.0: Unrecoverable error, exit code 3" >&2
            exit 3
            """);

        var result = await new Disarmer(new DisarmOptions { Ghostscript = gs })
            .DisarmAsync(scratch.Input(TestDocuments.PdfWithPages(1)), "a.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Equal("Ghostscript could not read the PDF (exit code 3): GPL Ghostscript 10.00.0: Unrecoverable error, exit code 3",
            result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_ConverterEnvironment_HoldsNothingOfTheServers()
    {
        Environment.SetEnvironmentVariable("CUSTOS_DISARM_TEST_SECRET", "connection-string");
        try
        {
            var gs = Program("gs", """
                env > "$HOME/environment.txt"
                exit 1
                """);

            await new Disarmer(new DisarmOptions { Ghostscript = gs })
                .DisarmAsync(scratch.Input(TestDocuments.PdfWithPages(1)), "a.pdf", "pdf", scratch.Work);

            var seen = File.ReadAllLines(Path.Combine(scratch.Work, "environment.txt"))
                .Select(l => l.Split('=', 2)[0])
                .Where(n => n is not ("PWD" or "SHLVL" or "_" or "OLDPWD"))
                .Order(StringComparer.Ordinal);
            Assert.Equal(["HOME", "LANG", "PATH", "TMPDIR"], seen);
            Assert.Contains($"HOME={scratch.Work}", File.ReadAllLines(Path.Combine(scratch.Work, "environment.txt")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CUSTOS_DISARM_TEST_SECRET", null);
        }
    }

    private string Program(string name, string body)
    {
        var path = Path.Combine(bin.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
