using System.Net;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Bitwarden;
using Custos.Core.Vault.Transfer.Csv;
using Custos.Core.Vault.Transfer.KeePass;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>Import and export through the API: KeePass, Bitwarden JSON and CSV, all-or-nothing imports, exports of what the caller may read.</summary>
public sealed class VaultTransferTests
{
    /// <summary>Fast KDF for files the tests write; the server's own exports use the real defaults.</summary>
    private static readonly KdbxWriteOptions FastKdf = new() { Argon2MemoryBytes = 1 << 20, Argon2Iterations = 1, Argon2Parallelism = 1 };

    private static MultipartFormDataContent ImportForm(byte[] file, string format, string folderName, string? permissions = "[]", string? password = null,
        Guid? parent = null)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(file), "file", "import." + format },
            { new StringContent(format), "format" },
            { new StringContent(folderName), "folderName" },
        };
        if (permissions is not null) form.Add(new StringContent(permissions), "permissions");
        if (password is not null) form.Add(new StringContent(password), "password");
        if (parent is { } p) form.Add(new StringContent(p.ToString()), "parent");
        return form;
    }

    private static async Task<(int Folders, int Entries, int Versions, int Attachments, int Imports)> CountAsync(VaultTestSetup v)
    {
        await using var data = v.Data();
        return (await data.VaultFolders.CountAsync(), await data.VaultEntries.CountAsync(), await data.VaultEntryVersions.CountAsync(),
            await data.VaultAttachments.CountAsync(), await data.AuditEvents.CountAsync(a => a.Action == "vault.import"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Kdbx_ImportsWholeOrNotAtAll_AndExportsBackWithHistoryAndAttachments(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var oldPassword = VaultTestSetup.NewSecret("old");
        var password = VaultTestSetup.NewSecret("router");
        var mailPassword = VaultTestSetup.NewSecret("mail");
        var pin = "pin-" + Guid.NewGuid().ToString("N");
        var certificate = System.Text.Encoding.UTF8.GetBytes("certificate-" + Guid.NewGuid().ToString("N"));

        var source = new TransferFolder { Name = "Customer file" };
        var router = new TransferEntry
        {
            Title = "Router", UserName = "admin", Password = password, Notes = "in the rack", Totp = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
            Modified = v.Now.AddDays(-1),
        };
        router.Urls.Add("https://router.customer.test");
        router.Fields.Add(new TransferField("pin", pin, true));
        router.Fields.Add(new TransferField("rack", "R7", false));
        router.History.Add(new TransferEntry { Title = "Router", UserName = "admin", Password = oldPassword, Modified = v.Now.AddDays(-30) });
        source.Entries.Add(router);
        var sub = new TransferFolder { Name = "Mail" };
        var mail = new TransferEntry { Title = "Mailbox", UserName = "info", Password = mailPassword };
        mail.Attachments.Add(new TransferAttachment("cert.pem", certificate));
        sub.Entries.Add(mail);
        source.Folders.Add(sub);
        using var file = new MemoryStream();
        KdbxWriter.Write(source, file, new KdbxCredentials("file-passphrase"), FastKdf);
        var kdbx = file.ToArray();

        // The wrong file password: refused as such, and nothing at all is imported.
        var before = await CountAsync(v);
        var wrong = (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, "kdbx", "Customer", password: "not-the-passphrase")))
            .AssertStatus(HttpStatusCode.UnprocessableEntity, "kdbx.wrong-key");
        Assert.DoesNotContain(password, wrong.Body);
        (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, "kdbx", "Customer", permissions: null, password: "file-passphrase")))
            .AssertStatus(HttpStatusCode.BadRequest, "vault.permissions_required");
        (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, "kdbx", "Customer", permissions: "not json", password: "file-passphrase")))
            .AssertStatus(HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountAsync(v));

        var report = (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, "kdbx", "Customer", password: "file-passphrase"))).AssertOk().Json;
        Assert.Equal(2, report.GetProperty("folders").GetInt32());
        Assert.Equal(2, report.GetProperty("entries").GetInt32());
        Assert.Equal(1, report.GetProperty("historyVersions").GetInt32());
        Assert.Equal(1, report.GetProperty("attachments").GetInt32());
        var imported = report.GetProperty("folderId").GetGuid();
        var after = await CountAsync(v);
        Assert.Equal((before.Folders + 2, before.Entries + 2, before.Versions + 1, before.Attachments + 1, before.Imports + 1), after);

        // The imported entries are ordinary entries: root rights reach them, secrets come out one reveal at a time.
        var entries = (await erin.GetAsync("/entries")).AssertOk().Json.EnumerateArray().ToDictionary(e => e.GetProperty("title").GetString()!);
        var routerId = entries["Router"].GetProperty("id").GetGuid();
        Assert.Equal(imported, entries["Router"].GetProperty("folderId").GetGuid());
        Assert.Equal("R7", entries["Router"].GetProperty("textFields").GetProperty("rack").GetString());
        Assert.Equal(password, await erin.RevealValueAsync(routerId));
        Assert.Equal(oldPassword, await erin.RevealValueAsync(routerId, "password", 1));
        Assert.Equal(pin, await erin.RevealValueAsync(routerId, "field:pin"));
        var mailId = entries["Mailbox"].GetProperty("id").GetGuid();
        var attachment = Assert.Single((await erin.GetAsync($"/entries/{mailId}")).AssertOk().Json.GetProperty("attachments").EnumerateArray())
            .GetProperty("id").GetGuid();
        Assert.Equal(certificate, (await erin.GetAsync($"/entries/{mailId}/attachments/{attachment}")).AssertOk().Bytes);

        // Export needs a file password for KeePass; with one, the file opens with it and holds what was imported.
        (await carol.PostAsync("/export", new { format = "kdbx", folder = imported })).AssertStatus(HttpStatusCode.BadRequest);
        var export = (await carol.PostAsync("/export", new { format = "kdbx", folder = imported, password = "export-passphrase" })).AssertOk();
        Assert.Equal("2", export.Header("X-Custos-Exported"));
        Assert.Equal("0", export.Header("X-Custos-Left-Out"));
        Assert.DoesNotContain(password, export.Body);
        Assert.Throws<TransferFormatException>(() => KdbxReader.Read(new MemoryStream(export.Bytes), new KdbxCredentials("file-passphrase")));
        var back = KdbxReader.Read(new MemoryStream(export.Bytes), new KdbxCredentials("export-passphrase")).Root;
        var all = back.AllEntries().ToDictionary(e => e.Title);
        Assert.Equal(password, all["Router"].Password);
        Assert.Equal("admin", all["Router"].UserName);
        Assert.Equal(new[] { "https://router.customer.test" }, all["Router"].Urls);
        Assert.Contains(all["Router"].Fields, f => f.Name == "pin" && f.Value == pin && f.Secret);
        Assert.Equal(oldPassword, Assert.Single(all["Router"].History).Password);
        Assert.Equal(mailPassword, all["Mailbox"].Password);
        Assert.Equal(certificate, Assert.Single(all["Mailbox"].Attachments).Content);
        Assert.Contains(back.AllFoldersAndSelf(), f => f.Name == "Mail" && f.Entries.Any(e => e.Title == "Mailbox"));

        await using var data = v.Data();
        Assert.Equal(2, await data.VaultReveals.CountAsync(r => r.Client == "export"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CsvAndBitwarden_RoundTripThroughImportAndExport(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);

        foreach (var format in new[] { "csv", "bitwarden-json" })
        {
            var password = VaultTestSetup.NewSecret(format);
            var source = new TransferFolder { Name = "" };
            var entry = new TransferEntry { Title = "Portal " + format, UserName = "support@acme.test", Password = password, Notes = "notes " + format };
            entry.Urls.Add("https://portal.acme.test/" + format);
            source.Entries.Add(entry);
            using var file = new MemoryStream();
            if (format == "csv") CsvExporter.Write(source, file);
            else BitwardenJsonWriter.Write(source, file);

            var report = (await carol.SendAsync(HttpMethod.Post, "/import",
                ImportForm(file.ToArray(), format, "From " + format, "[{\"group\":\"readers\",\"rights\":\"Use, Read\"}]"))).AssertOk().Json;
            Assert.Equal(1, report.GetProperty("entries").GetInt32());
            var folder = report.GetProperty("folderId").GetGuid();
            var grant = Assert.Single((await carol.GetAsync($"/grants?folder={folder}")).AssertOk().Json.EnumerateArray());
            Assert.Equal("readers", grant.GetProperty("group").GetString());
            var id = Assert.Single((await erin.GetAsync($"/entries?folder={folder}")).AssertOk().Json.EnumerateArray()).GetProperty("id").GetGuid();
            Assert.Equal(password, await erin.RevealValueAsync(id));
            Assert.Equal("notes " + format, await erin.RevealValueAsync(id, "notes"));

            var export = (await erin.PostAsync("/export", new { format, folder })).AssertOk();
            Assert.Equal("1", export.Header("X-Custos-Exported"));
            var back = format == "csv"
                ? GenericCsvReader.Read(new MemoryStream(export.Bytes)).Root
                : BitwardenJsonReader.Read(new MemoryStream(export.Bytes)).Root;
            var exported = Assert.Single(back.AllEntries());
            Assert.Equal("Portal " + format, exported.Title);
            Assert.Equal("support@acme.test", exported.UserName);
            Assert.Equal(password, exported.Password);
            Assert.Equal(new[] { "https://portal.acme.test/" + format }, exported.Urls);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Export_HoldsOnlyWhatTheCallerMayRead_AndSaysNothingOfWhatTheyCannotSee(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var servers = await carol.CreateFolderAsync("Servers");
        var closed = await carol.CreateFolderAsync("Board secrets", permissions: [new { group = "ops", rights = "Manage" }], inheritRights: false);
        var visible = VaultTestSetup.NewSecret("visible");
        var hidden = VaultTestSetup.NewSecret("hidden");
        await carol.CreateEntryAsync(servers, "Firewall", visible);
        await carol.CreateEntryAsync(closed, "Merger data room", hidden);

        // (KeePass files are built from the same tree; the KDBX round trip above covers that format.)
        foreach (var format in new[] { "csv", "bitwarden-json" })
        {
            // dave sees one entry and may read none; the closed folder does not exist for him.
            var daves = (await dave.PostAsync("/export", new { format })).AssertOk();
            Assert.Equal("0", daves.Header("X-Custos-Exported"));
            Assert.Equal("1", daves.Header("X-Custos-Left-Out"));
            // erin reads the one entry she sees.
            var erins = (await erin.PostAsync("/export", new { format })).AssertOk();
            Assert.Equal("1", erins.Header("X-Custos-Exported"));
            Assert.Equal("0", erins.Header("X-Custos-Left-Out"));
            foreach (var reply in new[] { daves, erins })
            {
                var root = format == "csv"
                    ? GenericCsvReader.Read(new MemoryStream(reply.Bytes)).Root
                    : BitwardenJsonReader.Read(new MemoryStream(reply.Bytes)).Root;
                Assert.DoesNotContain("Board secrets", reply.Body);
                Assert.DoesNotContain(root.AllEntries(), e => e.Password == hidden || e.Title == "Merger data room");
                Assert.DoesNotContain(root.AllFoldersAndSelf(), f => f.Name.Contains("Board secrets"));
                Assert.Equal(reply == erins ? [visible] : Array.Empty<string>(), root.AllEntries().Select(e => e.Password).ToArray());
            }
        }
        // carol reads both.
        Assert.Equal("2", (await carol.PostAsync("/export", new { format = "csv" })).AssertOk().Header("X-Custos-Exported"));
    }
}

internal static class TransferFolderTestExtensions
{
    public static IEnumerable<TransferFolder> AllFoldersAndSelf(this TransferFolder folder) =>
        new[] { folder }.Concat(folder.Folders.SelectMany(AllFoldersAndSelf));
}
