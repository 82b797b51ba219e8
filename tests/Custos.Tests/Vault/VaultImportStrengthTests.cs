using System.Text;
using Custos.Core.Vault;
using Custos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Vault;

/// <summary>
/// Imports store entries unrated and <see cref="StrengthRating"/> rates them after the commit, in the background: the
/// estimates must arrive by themselves, match what zxcvbn says, and never overwrite a score a later change computed.
/// </summary>
public sealed class VaultImportStrengthTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ImportedPasswords_AreRatedAfterTheCommit_WithoutTouchingLaterChanges(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        const string weak = "sommer2024";
        var strong = VaultTestSetup.NewSecret();
        var csv = Encoding.UTF8.GetBytes($"Name,Login,Pass\nWeak,admin,{weak}\nStrong,admin,{strong}\nNone,admin,\n");
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(csv), "file", "legacy.csv" },
            { new StringContent("csv"), "format" },
            { new StringContent("Legacy"), "folderName" },
            { new StringContent("[]"), "permissions" },
            { new StringContent("title=Name, userName=Login, password=Pass"), "csvMapping" },
        };
        (await carol.SendAsync(HttpMethod.Post, "/import", form)).AssertOk();
        var ids = (await carol.GetAsync("/entries?q=")).AssertOk().Json.EnumerateArray()
            .ToDictionary(e => e.GetProperty("title").GetString()!, e => e.GetProperty("id").GetGuid());

        Assert.Equal(Core.Identity.PasswordStrength.Score(weak), await RatedAsync(carol, ids["Weak"]));
        Assert.Equal(4, await RatedAsync(carol, ids["Strong"]));
        Assert.Equal(0, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_entries WHERE password_strength IS NULL AND password_fingerprint IS NOT NULL"));
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_entries WHERE password_strength IS NULL"));

        // A score a change set is kept; only unrated rows are written (here: one reset by hand, as after a crash).
        await v.Db.ExecuteAsync("UPDATE vault_entries SET password_strength = NULL WHERE title = 'Weak'");
        await v.Db.ExecuteAsync("UPDATE vault_entries SET password_strength = 3 WHERE title = 'Strong'");
        var rating = v.Server.Host.Services.GetRequiredService<StrengthRating>();
        Assert.Equal(1, await rating.RateUnratedAsync());
        Assert.Equal(3, await StrengthAsync(carol, ids["Strong"]));
        Assert.Equal(Core.Identity.PasswordStrength.Score(weak), await StrengthAsync(carol, ids["Weak"]));
    }

    private static async Task<int?> StrengthAsync(VaultClient client, Guid id)
    {
        var strength = (await client.GetAsync($"/entries/{id}")).AssertOk().Json.GetProperty("passwordStrength");
        return strength.ValueKind == System.Text.Json.JsonValueKind.Null ? null : strength.GetInt32();
    }

    /// <summary>The entry's strength once the background rating reached it (it has seconds; it needs milliseconds).</summary>
    private static async Task<int> RatedAsync(VaultClient client, Guid id)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await StrengthAsync(client, id) is { } rated) return rated;
            await Task.Delay(100);
        }
        throw new TimeoutException($"entry {id} was not rated within 15 s");
    }
}
