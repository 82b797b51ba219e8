using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Custos.Tests.Vault;

/// <summary>Use shows an entry, Read reveals it: secrets reach only Read holders, one recorded field at a time.</summary>
public sealed class VaultSecrecyTests
{
    private const string TotpSeed = "JBSWY3DPEHPK3PXP";

    /// <summary>An entry with every kind of secret, changed once (so version 1 holds the first password), with an attachment.</summary>
    private sealed record Loaded(Guid FolderId, Guid EntryId, Guid AttachmentId, string OldPassword, string Password, string Notes, string Pin,
        string AttachmentText)
    {
        public string[] Secrets => [OldPassword, Password, Notes, Pin, AttachmentText, TotpSeed];
    }

    private static async Task<Loaded> LoadAsync(VaultClient manager)
    {
        var oldPassword = VaultTestSetup.NewSecret("old");
        var password = VaultTestSetup.NewSecret("new");
        var notes = "recovery-notes-" + Guid.NewGuid().ToString("N");
        var pin = "pin-" + Guid.NewGuid().ToString("N");
        var attachmentText = "attachment-" + Guid.NewGuid().ToString("N");
        var folderId = await manager.CreateFolderAsync("Servers");
        var entryId = await manager.CreateEntryAsync(folderId, "Firewall", oldPassword, new
        {
            urls = new[] { "https://fw.acme.test" }, notes, totp = $"otpauth://totp/x?secret={TotpSeed}",
            fields = new object[] { new { name = "pin", value = pin, secret = true }, new { name = "rack", value = "R12", secret = false } },
        });
        (await manager.PutAsync($"/entries/{entryId}", new { password, expectedVersion = 1 })).AssertOk();
        var upload = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(attachmentText)), "file", "recovery.txt" } };
        var attachment = (await manager.SendAsync(HttpMethod.Post, $"/entries/{entryId}/attachments", upload)).AssertOk();
        return new Loaded(folderId, entryId, attachment.Json.GetProperty("id").GetGuid(), oldPassword, password, notes, pin, attachmentText);
    }

    private static void AssertNoSecret(Loaded loaded, Reply reply, string route)
    {
        foreach (var secret in loaded.Secrets)
            Assert.False(reply.Body.Contains(secret, StringComparison.Ordinal), $"{route} ({(int)reply.Status}) returned a secret: {reply.Body}");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UseHolder_SeesTheEntry_ButNoSecretThroughAnyRoute(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var e = await LoadAsync(carol);
        var id = e.EntryId;

        // What Use is for: the entry, its user name, URL, plain fields and which secrets exist.
        var get = (await dave.GetAsync($"/entries/{id}")).AssertOk();
        Assert.Equal("Firewall", get.Json.GetProperty("title").GetString());
        Assert.Equal("admin", get.Json.GetProperty("userName").GetString());
        Assert.Equal("R12", get.Json.GetProperty("textFields").GetProperty("rack").GetString());
        Assert.Equal(new[] { "password", "notes", "totp", "field:pin" }, get.Json.GetProperty("secretFields").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("use", get.Json.GetProperty("rights").GetString());
        AssertNoSecret(e, get, "GET entry");
        var list = (await dave.GetAsync("/entries")).AssertOk();
        Assert.Equal(new[] { id }, list.Json.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()));
        AssertNoSecret(e, list, "GET entries");
        var history = (await dave.GetAsync($"/entries/{id}/history")).AssertOk();
        Assert.Equal(1, history.Json.GetArrayLength());
        AssertNoSecret(e, history, "GET history");
        foreach (var path in new[] { "/folders", "/expiring", "/access-requests", $"/entries?folder={e.FolderId}" })
            AssertNoSecret(e, (await dave.GetAsync(path)).AssertOk(), "GET " + path);

        // Search never looks into secrets: neither the whole password nor a part of it finds the entry.
        foreach (var q in new[] { e.Password, e.Password[4..12], e.Notes, e.Pin })
        {
            var found = (await dave.GetAsync($"/entries?q={Uri.EscapeDataString(q)}")).AssertOk();
            Assert.Equal(0, found.Json.GetArrayLength());
        }
        // ... and carol, who may read, gets the same empty answer: search is not a way to test a guess.
        Assert.Equal(0, (await carol.GetAsync($"/entries?q={Uri.EscapeDataString(e.Password)}")).AssertOk().Json.GetArrayLength());

        // Every route that would hand out a secret refuses, and no refusal quotes one.
        var refusals = new List<(string Route, Reply Reply)>
        {
            ("reveal password", await dave.RevealAsync(id)),
            ("reveal notes", await dave.RevealAsync(id, "notes")),
            ("reveal totp seed", await dave.RevealAsync(id, "totp")),
            ("reveal field:pin", await dave.RevealAsync(id, "field:pin")),
            ("reveal version 1", await dave.RevealAsync(id, "password", 1)),
            ("totp code", await dave.PostAsync($"/entries/{id}/totp", new { })),
            ("attachment", await dave.GetAsync($"/entries/{id}/attachments/{e.AttachmentId}")),
        };
        foreach (var (route, reply) in refusals)
        {
            reply.AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
            AssertNoSecret(e, reply, route);
        }
        foreach (var (route, reply) in new[]
                 {
                     ("report", await dave.GetAsync($"/entries/{id}/report")),
                     ("grants", await dave.GetAsync($"/grants?entry={id}")),
                     ("update", await dave.PutAsync($"/entries/{id}", new { title = "Mine", expectedVersion = 2 })),
                     ("attachment upload", await dave.SendAsync(HttpMethod.Post, $"/entries/{id}/attachments",
                         new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "x.bin" } })),
                 })
        {
            reply.AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
            AssertNoSecret(e, reply, route);
        }

        // An export leaves the entry out and says so; the file holds none of its secrets.
        foreach (var format in new[] { "csv", "bitwarden-json" })
        {
            var export = (await dave.PostAsync("/export", new { format })).AssertOk();
            Assert.Equal("0", export.Header("X-Custos-Exported"));
            Assert.Equal("1", export.Header("X-Custos-Left-Out"));
            AssertNoSecret(e, export, "export " + format);
        }

        // Nothing was revealed to dave, each refusal is on record, and the records themselves hold no secret.
        await using var data = v.Data();
        var daveId = await data.Users.Where(u => u.UserName == "dave").Select(u => u.Id).SingleAsync();
        Assert.Empty(await data.VaultReveals.Where(r => r.UserId == daveId).ToListAsync());
        Assert.Equal(refusals.Count, await data.AuditEvents.CountAsync(a => a.Actor == "user:dave" && a.Action == "vault.reveal" && a.Outcome == AuditOutcome.Denied));
        foreach (var row in await data.AuditEvents.Select(a => a.Details).ToListAsync())
            foreach (var secret in e.Secrets)
                Assert.DoesNotContain(secret, row ?? "");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ReadHolder_RevealsEveryField_AndEachRevealIsRecorded(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var e = await LoadAsync(carol);
        var id = e.EntryId;

        Assert.Equal(e.Password, await erin.RevealValueAsync(id));
        Assert.Equal(e.Notes, await erin.RevealValueAsync(id, "notes"));
        Assert.Equal(e.Pin, await erin.RevealValueAsync(id, "field:pin"));
        var old = (await erin.RevealAsync(id, "password", 1)).AssertOk();
        Assert.Equal(e.OldPassword, old.Json.GetProperty("value").GetString());
        Assert.Equal(1, old.Json.GetProperty("version").GetInt32());
        var totp = (await erin.PostAsync($"/entries/{id}/totp", new { })).AssertOk();
        var expected = new Totp(Base32Encoding.ToBytes(TotpSeed)).ComputeTotp(v.Now.UtcDateTime);
        Assert.Equal(expected, totp.Json.GetProperty("code").GetString());
        Assert.Equal(30, totp.Json.GetProperty("period").GetInt32());
        var download = (await erin.GetAsync($"/entries/{id}/attachments/{e.AttachmentId}")).AssertOk();
        Assert.Equal(e.AttachmentText, download.Body);
        // A field the entry does not have, and a version it never had.
        (await erin.RevealAsync(id, "field:nope")).AssertStatus(HttpStatusCode.NotFound, "vault.no_such_field");
        (await erin.RevealAsync(id, "password", 7)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
        // The command line labels itself; that changes the record, not the right.
        erin.Http.DefaultRequestHeaders.Add("X-Custos-Client", "cli");
        Assert.Equal(e.Password, await erin.RevealValueAsync(id));

        await using var data = v.Data();
        var erinId = await data.Users.Where(u => u.UserName == "erin").Select(u => u.Id).SingleAsync();
        var reveals = await data.VaultReveals.Where(r => r.UserId == erinId).ToListAsync();
        Assert.Equal(
            new[] { "api:password:2", "api:notes:2", "api:field:pin:2", "api:password:1", "api:totp-code:2", "api:attachment:recovery.txt:2", "cli:password:2" }.Order(),
            reveals.Select(r => $"{r.Client}:{r.Field}:{r.EntryVersion}").Order());
        Assert.All(reveals, r =>
        {
            Assert.Equal(id, r.EntryId);
            Assert.Equal(tenant, r.TenantId.Value);
            Assert.Contains("127.0.0.1", r.ClientAddress);
            Assert.Equal(v.Now.ToUnixTimeSeconds(), r.At.ToUnixTimeSeconds());
        });
        var audit = await data.AuditEvents.Where(a => a.Action == "vault.reveal" && a.Actor == "user:erin").ToListAsync();
        Assert.Equal(reveals.Count, audit.Count);
        Assert.All(audit, a =>
        {
            Assert.Equal(AuditOutcome.Success, a.Outcome);
            Assert.Equal($"entry:{id}", a.Target);
            Assert.Equal(tenant, a.TenantId.Value);
            Assert.Contains("127.0.0.1", a.ClientAddress);
        });
        var details = audit.Select(a => JsonDocument.Parse(a.Details!).RootElement).ToList();
        Assert.Contains(details, d => d.GetProperty("field").GetString() == "notes" && d.GetProperty("client").GetString() == "api");
        Assert.Contains(details, d => d.GetProperty("field").GetString() == "password" && d.GetProperty("version").GetString() == "1");
        Assert.Contains(details, d => d.GetProperty("field").GetString() == "password" && d.GetProperty("client").GetString() == "cli");
        foreach (var a in audit)
            foreach (var secret in e.Secrets)
                Assert.DoesNotContain(secret, a.Details!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CiphertextMovedToAnotherRow_IsNeverRevealed(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folderId = await carol.CreateFolderAsync("Servers");
        var secretA = VaultTestSetup.NewSecret("a");
        var secretB = VaultTestSetup.NewSecret("b");
        var a = await carol.CreateEntryAsync(folderId, "Entry A", secretA);
        var b = await carol.CreateEntryAsync(folderId, "Entry B", secretB);
        var c = await carol.CreateEntryAsync(folderId, "Entry C", VaultTestSetup.NewSecret("c"));
        (await carol.PutAsync($"/entries/{c}", new { password = VaultTestSetup.NewSecret("c2"), expectedVersion = 1 })).AssertOk();

        // Someone with database access copies A's sealed secrets onto B, and C's history ciphertext onto C itself.
        await v.Db.ExecuteAsync("UPDATE vault_entries SET secrets = (SELECT secrets FROM vault_entries WHERE title = 'Entry A') WHERE title = 'Entry B'");
        await v.Db.ExecuteAsync("UPDATE vault_entries SET secrets = (SELECT v.secrets FROM vault_entry_versions v JOIN vault_entries e ON e.id = v.entry_id " +
                                "WHERE e.title = 'Entry C') WHERE title = 'Entry C'");
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_entries WHERE title = 'Entry B' AND secrets = (SELECT secrets FROM vault_entries WHERE title = 'Entry A')"));

        foreach (var route in new Func<Task<Reply>>[]
                 {
                     () => carol.RevealAsync(b), () => carol.RevealAsync(b, "notes"), () => carol.PostAsync($"/entries/{b}/totp", new { }),
                     () => carol.PostAsync("/export", new { format = "csv" }), () => carol.RevealAsync(c),
                 })
        {
            var reply = await route();
            Assert.False(reply.Response.IsSuccessStatusCode, $"a moved ciphertext opened: {reply}");
            Assert.DoesNotContain(secretA, reply.Body);
        }
        // A itself is intact, and nothing of B or C was recorded as revealed.
        Assert.Equal(secretA, await carol.RevealValueAsync(a));
        await using var data = v.Data();
        Assert.Equal(new[] { a }, await data.VaultReveals.Select(r => r.EntryId).ToListAsync());
    }
}
