using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>One initialised local repository shared by the tests of a class: key derivation makes each init cost seconds.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticRepositoryFixture : IAsyncLifetime
{
    public ResticSandbox Sandbox { get; } = new();
    public ResticRepository Repository => Sandbox.Repository();

    public async Task InitializeAsync() => await Repository.InitAsync(CancellationToken.None);

    public Task DisposeAsync()
    {
        Sandbox.Dispose();
        return Task.CompletedTask;
    }
}
