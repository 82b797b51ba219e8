using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

/// <summary>
/// A secret leaves only after its reveal is recorded (<see cref="Core.Vault.RevealJournal"/>): when the record cannot be
/// written the reveal fails without the secret, and once the database accepts rows again the journal resumes on its
/// own, with an audit chain that still verifies.
/// </summary>
public sealed class RevealJournalTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Reveal_WhoseRecordCannotBeWritten_FailsWithoutTheSecret_AndTheJournalRecovers(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var secret = VaultTestSetup.NewSecret();
        var entry = await carol.CreateEntryAsync(await carol.CreateFolderAsync("Servers"), "Firewall", secret);
        Assert.Equal(secret, await erin.RevealValueAsync(entry));

        // The database refuses the journal's rows (as a full disk or a lost connection would).
        if (kind == TestDatabase.Sqlite)
            await v.Db.ExecuteAsync("CREATE TRIGGER refuse_reveals BEFORE INSERT ON vault_reveals BEGIN SELECT RAISE(ABORT, 'journal refused'); END");
        else
            await v.Db.ExecuteAsync("CREATE FUNCTION refuse_reveals() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'journal refused'; END $$; " +
                                    "CREATE TRIGGER refuse_reveals BEFORE INSERT ON vault_reveals FOR EACH ROW EXECUTE FUNCTION refuse_reveals()");
        var refused = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => erin.RevealAsync(entry)));
        Assert.All(refused, r =>
        {
            Assert.NotEqual(HttpStatusCode.OK, r.Status);
            Assert.DoesNotContain(secret, r.Body);
        });
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_reveals"));

        await v.Db.ExecuteAsync(kind == TestDatabase.Sqlite ? "DROP TRIGGER refuse_reveals" : "DROP TRIGGER refuse_reveals ON vault_reveals; DROP FUNCTION refuse_reveals()");
        Assert.Equal(secret, await erin.RevealValueAsync(entry));
        Assert.Equal(2, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_reveals"));
        Assert.Equal(2, await v.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'vault.reveal' AND outcome = 1"));
        Assert.Contains("intact", await v.RunAsync("audit", "verify"));
    }
}
