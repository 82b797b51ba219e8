namespace Custos.EndToEnd.Tests;

/// <summary>The checkout the tests run from: the first folder above the test binaries that holds Custos.slnx.</summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "Custos.slnx";

    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains {SolutionFile}; run the tests from inside the Custos checkout.");
    }
}
