using System.Text;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Csv;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

/// <summary>
/// Bitwarden's CSV export imported through the HTTP API: every column lands where it belongs, and a cell that a
/// spreadsheet would run as a formula is stored as it came but leaves again in a CSV export only neutralised.
/// </summary>
public sealed class VaultBitwardenCsvImportTests
{
    private const string Formula = "=HYPERLINK(\"https://evil.test\",\"Click\")";
    private const string Header = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp";

    private static string Quoted(string cell) => "\"" + cell.Replace("\"", "\"\"") + "\"";

    private static MultipartFormDataContent ImportForm(string csv) => new()
    {
        { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "bitwarden_export.csv" },
        { new StringContent("bitwarden-csv"), "format" },
        { new StringContent("From Bitwarden"), "folderName" },
        { new StringContent("[]"), "permissions" },
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task BitwardenCsv_EveryFieldLands_AndFormulaCellsLeaveNeutralised(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var switchPassword = VaultTestSetup.NewSecret("switch");
        // Leading '-' and '@' are formula triggers too.
        var portalPassword = "-" + VaultTestSetup.NewSecret("portal");
        const string totp = "otpauth://totp/Acme:netadmin?secret=JBSWY3DPEHPK3PXP&issuer=Acme";
        const string notes = "Rack 4, port 12\nsecond line";
        var csv = string.Join("\n",
            Header,
            $"Infra/Network,1,login,Core switch,{Quoted(notes)},rack: R4,0,https://switch.acme.test,netadmin,{switchPassword},{totp}",
            $",0,login,{Quoted(Formula)},+SUM(1;2),,0,https://portal.acme.test,@admin,{portalPassword},") + "\n";

        var report = (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(csv))).AssertOk().Json;
        Assert.Equal(2, report.GetProperty("entries").GetInt32());
        Assert.Equal(0, report.GetProperty("skipped").GetArrayLength());
        var top = report.GetProperty("folderId").GetGuid();

        // Bitwarden's "Infra/Network" becomes two nested folders below the import folder.
        var folders = (await erin.GetAsync("/folders")).AssertOk().Json.EnumerateArray().ToList();
        var infra = Assert.Single(folders, f => f.GetProperty("name").GetString() == "Infra");
        Assert.Equal(top, infra.GetProperty("parentId").GetGuid());
        var network = Assert.Single(folders, f => f.GetProperty("name").GetString() == "Network");
        Assert.Equal(infra.GetProperty("id").GetGuid(), network.GetProperty("parentId").GetGuid());

        var entries = (await erin.GetAsync("/entries")).AssertOk().Json.EnumerateArray().ToDictionary(e => e.GetProperty("title").GetString()!);
        var sw = entries["Core switch"];
        Assert.Equal(network.GetProperty("id").GetGuid(), sw.GetProperty("folderId").GetGuid());
        Assert.Equal("netadmin", sw.GetProperty("userName").GetString());
        Assert.Equal("https://switch.acme.test", Assert.Single(sw.GetProperty("urls").EnumerateArray()).GetString());
        Assert.Equal("R4", sw.GetProperty("textFields").GetProperty("rack").GetString());
        Assert.Equal("Favorite", Assert.Single(sw.GetProperty("tags").EnumerateArray()).GetString());
        var swId = sw.GetProperty("id").GetGuid();
        Assert.Equal(switchPassword, await erin.RevealValueAsync(swId));
        Assert.Equal(notes, await erin.RevealValueAsync(swId, "notes"));
        Assert.Equal(totp, await erin.RevealValueAsync(swId, "totp"));

        // The formula-looking cells are data: stored exactly as exported by Bitwarden.
        var portal = entries[Formula];
        Assert.Equal(top, portal.GetProperty("folderId").GetGuid());
        Assert.Equal("@admin", portal.GetProperty("userName").GetString());
        var portalId = portal.GetProperty("id").GetGuid();
        Assert.Equal(portalPassword, await erin.RevealValueAsync(portalId));
        Assert.Equal("+SUM(1;2)", await erin.RevealValueAsync(portalId, "notes"));

        // A CSV export puts a quote in front of every such cell, so a spreadsheet shows text instead of running it ...
        var export = (await erin.PostAsync("/export", new { format = "csv", folder = top })).AssertOk();
        Assert.Equal("2", export.Header("X-Custos-Exported"));
        var raw = GenericCsvReader.Read(new MemoryStream(export.Bytes), new GenericCsvOptions { UndoFormulaGuard = false }).Root;
        var cells = Assert.Single(raw.AllEntries(), e => e.Title.Contains("HYPERLINK"));
        Assert.Equal("'" + Formula, cells.Title);
        Assert.Equal("'@admin", cells.UserName);
        Assert.Equal("'" + portalPassword, cells.Password);
        Assert.Equal("'+SUM(1;2)", cells.Notes);
        Assert.DoesNotContain(raw.AllEntries().SelectMany(CellsOf), c => c.Length > 0 && "=+-@".Contains(c[0]));
        // ... which Custos' own CSV import strips again: nothing is lost in a round trip.
        var back = Assert.Single(GenericCsvReader.Read(new MemoryStream(export.Bytes)).Root.AllEntries(), e => e.Title == Formula);
        Assert.Equal(portalPassword, back.Password);
        Assert.Equal("@admin", back.UserName);
    }

    private static IEnumerable<string> CellsOf(TransferEntry e) =>
        [e.Title, e.UserName ?? "", e.Password ?? "", e.Notes ?? "", e.Totp ?? "", .. e.Urls];
}
