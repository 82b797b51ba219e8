using System.Runtime.Versioning;

namespace Custos.Tests.Backup.Restic;

/// <summary>restic check against damage made by hand: the result names the damaged pack and the snapshots it breaks.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticCheckTests(ResticCheckFixture fixture) : IClassFixture<ResticCheckFixture>
{
    [Fact]
    public async Task Check_CleanRepository_IsOk_InEveryScope()
    {
        var (sandbox, repository) = fixture.CopyForTest();
        using var _ = sandbox;

        var structure = await repository.CheckAsync(null, false, CancellationToken.None);
        var full = await repository.CheckAsync(null, true, CancellationToken.None);
        var subset = await repository.CheckAsync("3/7", false, CancellationToken.None);

        Assert.Equal((true, "structure"), (structure.Ok, structure.Scope));
        Assert.Equal((true, "full"), (full.Ok, full.Scope));
        Assert.Equal((true, "3/7"), (subset.Ok, subset.Scope));
        Assert.All([structure, full, subset], r => Assert.Empty(r.Errors.Concat(r.DamagedPacks).Concat(r.AffectedSnapshots)));
        sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task CheckReadAllData_CorruptedDataPack_NamesThePackAndTheSnapshotWhoseDataItHolds()
    {
        var (sandbox, repository) = fixture.CopyForTest();
        using var _ = sandbox;
        var dataPack = fixture.FirstPacks[0];
        ResticCheckFixture.Corrupt(sandbox.RepositoryPath, dataPack, new FileInfo(ResticCheckFixture.PackPath(sandbox.RepositoryPath, dataPack)).Length / 2);

        var result = await repository.CheckAsync(null, true, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal("full", result.Scope);
        Assert.Equal([dataPack], result.DamagedPacks);
        Assert.Equal([fixture.First.Id], result.AffectedSnapshots);
        Assert.Contains(result.Errors, e => e.Contains(dataPack, StringComparison.Ordinal));
        sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task CheckReadDataSubset_CorruptedDataPack_IsFoundByExactlyOneOfTheSevenSubsets()
    {
        var (sandbox, repository) = fixture.CopyForTest();
        using var _ = sandbox;
        var dataPack = fixture.SecondPacks[0];
        ResticCheckFixture.Corrupt(sandbox.RepositoryPath, dataPack, 100_000);

        var results = new List<Core.Backup.Restic.ResticCheckResult>();
        for (var n = 1; n <= 7; n++) results.Add(await repository.CheckAsync($"{n}/7", false, CancellationToken.None));

        Assert.Equal(Enumerable.Range(1, 7).Select(n => $"{n}/7"), results.Select(r => r.Scope));
        var failed = Assert.Single(results, r => !r.Ok);
        Assert.Equal([dataPack], failed.DamagedPacks);
        Assert.Equal([fixture.Second.Id], failed.AffectedSnapshots);
    }

    [Fact]
    public async Task CheckStructure_CorruptedTreePack_NamesThePackAndTheSnapshotWhoseTreeItHolds()
    {
        var (sandbox, repository) = fixture.CopyForTest();
        using var _ = sandbox;
        // The second backup's small pack holds its trees; the first bytes are the first tree blob.
        var treePack = fixture.SecondPacks[^1];
        ResticCheckFixture.Corrupt(sandbox.RepositoryPath, treePack, 8);

        var result = await repository.CheckAsync(null, false, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal("structure", result.Scope);
        Assert.Equal([treePack], result.DamagedPacks);
        Assert.Equal([fixture.Second.Id], result.AffectedSnapshots);
    }
}
