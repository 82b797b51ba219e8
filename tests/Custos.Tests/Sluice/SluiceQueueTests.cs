using System.Net;
using Custos.Core.Sluice;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Sluice;

/// <summary>Many files at once: the sluice drains its queue and loses nothing, whatever order the verdicts come in.</summary>
public sealed class SluiceQueueTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AThousandFilesAtOnce_AreAllCheckedAndReleased_NothingLost(string kind)
    {
        const int files = 1000;
        // A short inline wait: many uploads answer "in quarantine" and the background worker finishes them.
        await using var d = await DocumentTestSetup.StartAsync(kind, o => o with { SluiceRelease = SluiceRelease.Original, SluiceInlineWait = TimeSpan.FromMilliseconds(50) });
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Massenimport");
        var statuses = new HttpStatusCode[files];
        await Parallel.ForAsync(0, files, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            statuses[i] = (await dave.UploadAsync(folder, $"Beleg {i:D4}.txt", SluiceTestFiles.Text($"Beleg {i}\n"), "text/plain")).Status);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Accepted, $"an upload answered {(int)s}"));

        // The worker picks up what the uploads did not finish (its clock is the test's: move it on).
        var until = DateTime.UtcNow.AddMinutes(5);
        int open;
        do
        {
            d.Server.Time.Advance(TimeSpan.FromSeconds(40));
            await Task.Delay(500);
            await using var data = d.Server.Data();
            open = await data.QuarantineItems.CountAsync(q => q.State != QuarantineState.Released);
        } while (open > 0 && DateTime.UtcNow < until);

        await using var db = d.Server.Data();
        Assert.Equal(0, open);
        Assert.Equal(files, await db.QuarantineItems.CountAsync(q => q.State == QuarantineState.Released));
        var names = await db.Documents.Where(x => x.FolderId == folder).Select(x => x.Name).ToListAsync();
        Assert.Equal(Enumerable.Range(0, files).Select(i => $"Beleg {i:D4}.txt"), names.Order(StringComparer.Ordinal));
    }
}
