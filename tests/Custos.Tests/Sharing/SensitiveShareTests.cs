using System.Security.Cryptography;
using Custos.Core.Sharing;
using Custos.Tests.Infrastructure;
using Custos.Tests.Sharing.Packages;
using Custos.Tests.Sluice;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Sharing;

/// <summary>
/// Sensitive mode (TOM 7.4): the recipient gets one encrypted package, which opens with the password shown once to the
/// sender in the standard tools and not without it; when the link ends, the package is deleted and that is audited.
/// </summary>
public sealed class SensitiveShareTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task APdf_ComesAsAnAes256Pdf_ThatOpensOnlyWithThePackagePassword_AndIsDeletedWhenTheLinkEnds(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Personalakte");
        var pdf = SluiceTestFiles.SimplePdf("Gehaltsabrechnung Muster November");
        var document = await carol.Docs.UploadOkAsync(folder, "Gehalt.pdf", pdf);
        var link = await carol.ShareAsync(new { documents = new[] { new { documentId = document } }, sensitive = true });
        Assert.NotNull(link.PackagePassword);
        Assert.NotEqual(link.Password, link.PackagePassword);

        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await max.FilesAsync(link.Path));
        Assert.Equal("Gehalt.pdf", file.Name);
        var package = (await max.GetAsync(file.Path)).AssertOk().Bytes;
        Assert.NotEqual(pdf, package);

        var work = Directory.CreateTempSubdirectory("custos-sensitive-");
        try
        {
            var encrypted = Path.Combine(work.FullName, "in.pdf");
            await File.WriteAllBytesAsync(encrypted, package);
            var decrypted = Path.Combine(work.FullName, "out.pdf");
            Assert.NotEqual(0, PackageTools.Run(PackageTools.Qpdf, "--decrypt", encrypted, decrypted).ExitCode);
            Assert.NotEqual(0, PackageTools.Run(PackageTools.Qpdf, "--decrypt", "--password=Falsch-123", encrypted, decrypted).ExitCode);
            Assert.Contains("AESv3", PackageTools.RunOk(PackageTools.Qpdf, "--show-encryption", $"--password={link.PackagePassword}", encrypted).Text);
            PackageTools.RunOk(PackageTools.Qpdf, "--decrypt", $"--password={link.PackagePassword}", encrypted, decrypted);
            using var opened = UglyToad.PdfPig.PdfDocument.Open(decrypted);
            Assert.Contains("Gehaltsabrechnung Muster November", opened.GetPage(1).Text);
        }
        finally
        {
            work.Delete(recursive: true);
        }

        // Revoked: the sweep deletes the package (which existed only for this transfer) and says so in the audit log.
        string address;
        await using (var data = s.Server.Data())
            address = (await data.ShareItems.SingleAsync(i => i.ShareId == link.Id && i.Kind == ShareItemKind.Package)).BlobAddress!;
        Assert.True(File.Exists(s.Documents.BlobPath(address)));
        (await carol.PostAsync($"/{link.Id}/revoke", new { })).AssertOk();
        Assert.Equal(1, await s.Server.Server.Host.Services.GetRequiredService<ShareSweep>().RunAsync());
        Assert.False(File.Exists(s.Documents.BlobPath(address)));
        await using (var data = s.Server.Data())
        {
            Assert.Empty(await data.ShareItems.Where(i => i.ShareId == link.Id && i.Kind == ShareItemKind.Package).ToListAsync());
            var end = await data.AuditEvents.SingleAsync(a => a.Action == "share.end" && a.Target == $"share:{link.Id}");
            Assert.Contains("package Gehalt.pdf", end.Details);
            Assert.Contains("revoked", end.Details);
            // The shared document itself stays.
            Assert.True(await data.Documents.AnyAsync(d => d.Id == document));
        }
        Assert.Equal(0, await s.Server.Server.Host.Services.GetRequiredService<ShareSweep>().RunAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SeveralFiles_ComeAsAnAes256Zip_ThatSevenZipOpensWithThePassword_AndTheLinkEndsWhenItExpires(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Vertraulich");
        var a = Documents.DocumentTestSetup.RandomContent(100_000);
        var b = Documents.DocumentTestSetup.RandomContent(70_000);
        // Document names may hold what archive entries may not: the package makes them safe instead of failing.
        await carol.Docs.UploadOkAsync(folder, "Bilanz..2026.dat", a);
        await carol.Docs.UploadOkAsync(folder, "Anhang\\1.dat", b);
        var link = await carol.ShareAsync(new { folderId = folder, sensitive = true, expiresAt = s.Server.Now.AddDays(2) });

        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await max.FilesAsync(link.Path));
        Assert.EndsWith(".zip", file.Name);
        var zip = (await max.GetAsync(file.Path)).AssertOk().Bytes;

        var work = Directory.CreateTempSubdirectory("custos-sensitive-");
        try
        {
            var path = Path.Combine(work.FullName, "p.zip");
            await File.WriteAllBytesAsync(path, zip);
            Assert.NotEqual(0, PackageTools.Run(PackageTools.SevenZip, "x", "-pFalsch-123", $"-o{work.FullName}/wrong", "-y", path).ExitCode);
            PackageTools.RunOk(PackageTools.SevenZip, "x", $"-p{link.PackagePassword}", $"-o{work.FullName}/out", "-y", path);
            Assert.Equal(SHA256.HashData(a), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(work.FullName, "out", "Bilanz..2026.dat"))));
            Assert.Equal(SHA256.HashData(b), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(work.FullName, "out", "Anhang_1.dat"))));
            Assert.All(PackageTools.ListWith7Zip(path, link.PackagePassword!), entry => Assert.StartsWith("AES-256", entry["Method"]));
        }
        finally
        {
            work.Delete(recursive: true);
        }

        var sweep = s.Server.Server.Host.Services.GetRequiredService<ShareSweep>();
        Assert.Equal(0, await sweep.RunAsync());
        // Two days on (the server's own sweep may get there first: either way the link ends once).
        s.Server.Time.Advance(TimeSpan.FromDays(2));
        await sweep.RunAsync();
        Assert.Equal(0, await sweep.RunAsync());
        await using var data = s.Server.Data();
        Assert.Contains("expired", (await data.AuditEvents.SingleAsync(e => e.Action == "share.end")).Details);
        Assert.Equal("expired", (await data.ShareLinks.SingleAsync(l => l.Id == link.Id)).EndReason);
    }
}
