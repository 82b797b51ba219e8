using Custos.Core.Backup;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Backup;

/// <summary>
/// The document cast (<see cref="DocumentTestSetup"/>: carol manages Acme's documents, dave writes) with restic
/// repositories in a folder of their own outside the data directory, and the backup services of the running server.
/// Targets are added through `custos backup target add`, as an operator does.
/// </summary>
public sealed class BackupTestSetup : IAsyncDisposable
{
    private BackupTestSetup(DocumentTestSetup documents, string repositories)
    {
        Documents = documents;
        Repositories = repositories;
    }

    public DocumentTestSetup Documents { get; }
    /// <summary>Where this test's repositories live (removed at the end).</summary>
    public string Repositories { get; }
    public TestDatabase Db => Documents.Server.Db;
    public IServiceProvider Services => Documents.Server.Server.Host.Services;
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<BackupTestSetup> StartAsync(string kind)
    {
        var documents = await DocumentTestSetup.StartAsync(kind);
        var repositories = Path.Combine(Path.GetTempPath(), "custos-repos-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(repositories);
        return new BackupTestSetup(documents, repositories);
    }

    public string RepositoryPath(string name) => Path.Combine(Repositories, name);

    /// <summary>`custos backup target add NAME PATH` (a new repository, generated password); returns the CLI's output.</summary>
    public Task<string> AddLocalTargetAsync(string name = "local", params string[] more) =>
        Documents.Server.RunAsync(["backup", "target", "add", name, RepositoryPath(name), .. more]);

    public Task<CliResult> CliAsync(params string[] args) => Documents.Server.CliAsync(args);

    /// <summary>`custos backup run --target NAME`; the run's row afterwards.</summary>
    public async Task<BackupRun> RunAsync(string target = "local")
    {
        var result = await CliAsync("backup", "run", "--target", target);
        Assert.True(result.ExitCode == 0, $"backup run: {result.Error}{result.Output}");
        return (await Get<BackupViews>().RunsAsync(target, BackupRunKind.Backup, 1))[0];
    }

    /// <summary>A folder "Verträge" with documents uploaded by dave; returns their ids and contents.</summary>
    public async Task<(Guid Folder, List<(Guid Id, byte[] Content)> Docs)> UploadAsync(int count, int size = 50_000, string folderName = "Verträge")
    {
        using var carol = await Documents.ConnectAsync("carol");
        using var dave = await Documents.ConnectAsync("dave");
        var folder = await carol.FolderAsync(folderName);
        var docs = new List<(Guid, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var content = DocumentTestSetup.RandomContent(size + i);
            docs.Add((await dave.UploadOkAsync(folder, $"Vertrag {i:D3}.dat", content), content));
        }
        return (folder, docs);
    }

    public async ValueTask DisposeAsync()
    {
        await Documents.DisposeAsync();
        if (Directory.Exists(Repositories)) Directory.Delete(Repositories, recursive: true);
    }
}
