using System.Net;
using System.Text;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

/// <summary>A CSV whose headers nothing recognises imports once the user names the columns.</summary>
public sealed class VaultCsvMappingTests
{
    [Fact]
    public async Task Import_UnknownHeaders_RefusedWithoutMapping_ImportedWithIt()
    {
        await using var v = await VaultTestSetup.StartAsync(TestDatabase.Sqlite);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var secret = VaultTestSetup.NewSecret();
        var csv = Encoding.UTF8.GetBytes($"Bezeichnung;Anmeldename;Geheimwort;Webseite;Ablage\nRouter;admin;{secret};https://router.test;Netz/Core\n");
        MultipartFormDataContent Form(string? mapping)
        {
            var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(csv), "file", "legacy.csv" },
                { new StringContent("csv"), "format" },
                { new StringContent(mapping is null ? "Legacy" : "Legacy mapped"), "folderName" },
                { new StringContent("[]"), "permissions" },
            };
            if (mapping is not null) form.Add(new StringContent(mapping), "csvMapping");
            return form;
        }

        var unmapped = await carol.SendAsync(HttpMethod.Post, "/import", Form(null));
        var mapped = await carol.SendAsync(HttpMethod.Post, "/import",
            Form("title=Bezeichnung, userName=Anmeldename, password=Geheimwort, url=Webseite, folder=Ablage"));
        var badPart = await carol.SendAsync(HttpMethod.Post, "/import", Form("kennwort=Geheimwort"));

        unmapped.AssertStatus((HttpStatusCode)422, "csv.missing-column");
        mapped.AssertOk();
        Assert.Equal(1, mapped.Json.GetProperty("entries").GetInt32());
        badPart.AssertStatus((HttpStatusCode)422, "csv.mapping");
        var entries = (await carol.GetAsync("/entries?q=Router")).AssertOk();
        var id = entries.Json[0].GetProperty("id").GetGuid();
        Assert.Equal("admin", entries.Json[0].GetProperty("userName").GetString());
        Assert.Equal(secret, await carol.RevealValueAsync(id));
    }
}
