using System.Net;
using Custos.Core.Sharing;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Sharing;

/// <summary>
/// What an attacker tries on the public side: guessing tokens, guessing passwords, using a link a second after it
/// ended. Every unusable token gets the same answer; passwords are throttled and a link locks for good after ten wrong ones.
/// </summary>
public sealed class ShareAttackTests
{
    private static async Task<(ShareTestSetup.Sender Carol, ShareTestSetup.Created Link, Guid Document)> ShareAsync(ShareTestSetup s, object? extra = null)
    {
        var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Akten");
        var document = await carol.Docs.UploadOkAsync(folder, "Akte.dat", DocumentTestSetup.RandomContent(10_000));
        var link = await carol.ShareAsync(new { documents = new[] { new { documentId = document } }, expiresAt = s.Server.Now.AddHours(1) });
        return (carol, link, document);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task GuessedTruncatedRevokedExpiredAndOtherTenantsTokens_AllGetTheSameAnswer(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        var (carol, link, _) = await ShareAsync(s);
        using var _c = carol;
        using var guest = s.NewRecipient();
        var reference = await guest.GetAsync($"/s/{ShareTokens.New()}");
        Assert.Equal(HttpStatusCode.NotFound, reference.Status);
        Assert.Contains("share-unavailable", reference.Body);

        // Another tenant's link, opened as an upload request and under the other path.
        await s.Server.AddUsersAsync("bob");
        await s.Server.AddGroupAsync("blue", "bob");
        await s.Server.RunAsync("tenant", "add", "Globex");
        await s.Server.RunAsync("tenant", "grant", "Globex", "blue", "--documents", "manage");

        var tries = new List<string>
        {
            $"/s/{ShareTokens.New()}", $"/s/{link.Token[..42]}", $"/s/{link.Token[..20]}", $"/s/{link.Token}x", $"/s/{link.Token.ToUpperInvariant()}",
            $"/s/{new string('A', 43)}", $"/u/{link.Token}", $"/s/{ShareTokens.New()}/files/{Guid.NewGuid()}",
        };
        foreach (var path in tries)
        {
            var reply = await guest.GetAsync(path);
            Assert.True(reply.Status == HttpStatusCode.NotFound && reply.Body == reference.Body, $"{path}: {reply}");
        }

        // The real link works until it is revoked, then answers like a guess.
        Assert.Contains("share-password-form", (await guest.GetAsync(link.Path)).AssertOk().Body);
        await guest.EnterPasswordAsync(link.Path, link.Password!);
        var strangeItem = await guest.GetAsync($"{link.Path}/files/{Guid.NewGuid()}");
        Assert.True(strangeItem.Status == HttpStatusCode.NotFound && strangeItem.Body == reference.Body, strangeItem.ToString());
        (await carol.PostAsync($"/{link.Id}/revoke", new { })).AssertOk();
        var revoked = await guest.GetAsync(link.Path);
        Assert.True(revoked.Status == HttpStatusCode.NotFound && revoked.Body == reference.Body);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ALink_WorksUntilTheSecondOfItsExpiry_AndNotOneSecondLater(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        var (carol, link, _) = await ShareAsync(s);
        using var _c = carol;
        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await max.FilesAsync(link.Path)).Path;
        var expiresAt = (await carol.GetAsync($"/{link.Id}")).AssertOk().Json.GetProperty("expiresAt").GetDateTimeOffset();

        s.Server.Time.SetUtcNow(expiresAt.AddSeconds(-1));
        (await max.GetAsync(file)).AssertOk();
        s.Server.Time.SetUtcNow(expiresAt.AddSeconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(file)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(link.Path)).Status);
        Assert.Equal("Expired", (await carol.GetAsync($"/{link.Id}")).AssertOk().Json.GetProperty("state").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task PasswordGuessing_IsThrottled_AndTheLinkLocksAfterTenWrongPasswords_TellingTheSender(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        var (carol, link, _) = await ShareAsync(s);
        using var _c = carol;
        using var attacker = s.NewRecipient();
        // Recipients who type the right password use up nothing: ten in a row from the same address get in.
        for (var i = 0; i < 10; i++)
        {
            using var colleague = s.NewRecipient();
            Assert.Equal(HttpStatusCode.Redirect, (await colleague.EnterPasswordAsync(link.Path, link.Password!)).Status);
        }
        // Five wrong attempts a minute per link; the sixth waits.
        for (var i = 0; i < 5; i++) Assert.Contains("share-password-error", (await attacker.EnterPasswordAsync(link.Path, $"Raten-{i}-xxxxx")).Body);
        var throttled = await attacker.EnterPasswordAsync(link.Path, link.Password!);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        // The right password was not even checked: no way in while throttled.
        Assert.Contains("share-password-form", (await attacker.GetAsync(link.Path)).Body);

        s.Server.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 5; i < 9; i++) Assert.Contains("share-password-error", (await attacker.EnterPasswordAsync(link.Path, $"Raten-{i}-xxxxx")).Body);
        // The tenth wrong password locks the link: from then on it is gone, the right password included.
        (await attacker.EnterPasswordAsync(link.Path, "Raten-9-xxxxx")).AssertStatus(HttpStatusCode.NotFound);
        s.Server.Time.Advance(TimeSpan.FromMinutes(5));
        using var max = s.NewRecipient();
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(link.Path)).Status);

        Assert.Equal("Locked", (await carol.GetAsync($"/{link.Id}")).AssertOk().Json.GetProperty("state").GetString());
        await using var data = s.Server.Data();
        Assert.Single(await data.AuditEvents.Where(a => a.Action == "share.locked" && a.Target == $"share:{link.Id}").ToListAsync());
        Assert.Single(await data.VaultNotifications.Where(n => n.Kind == "share-locked").ToListAsync());
        Assert.Equal(10, await data.ShareEvents.CountAsync(e => e.ShareId == link.Id && e.Kind == "password.wrong"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ASenderWhoLosesTheRightToRead_OrIsDisabled_TakesTheirLinksAlong(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        using var erin = await s.SenderAsync("erin");
        var folder = await carol.Docs.FolderAsync("Personal");
        var document = await carol.Docs.UploadOkAsync(folder, "Gehalt.dat", DocumentTestSetup.RandomContent(5_000));
        var link = await erin.ShareAsync(new { documents = new[] { new { documentId = document } } });
        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await max.FilesAsync(link.Path)).Path;
        (await max.GetAsync(file)).AssertOk();

        // erin leaves the readers: the file is out of her reach, and so out of the link's.
        await s.Server.RunAsync("group", "remove-member", "readers", "erin");
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(file)).Status);
        await s.Server.RunAsync("group", "add-member", "readers", "erin");
        (await max.GetAsync(file)).AssertOk();

        // erin is disabled (a leaver): the link is gone at once.
        await s.Server.RunAsync("user", "disable", "erin");
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(link.Path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(file)).Status);
    }
}
