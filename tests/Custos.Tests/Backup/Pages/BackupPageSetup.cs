using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Backup.Pages;

/// <summary>
/// One backup page test's world: a fresh SQLite server, its administrator ada logged in with TOTP (<see cref="Admin"/>)
/// and nora, a user without the administrator role, in a browser of her own. Targets and runs that need restic to come
/// about are written as rows, the way the runner records them, so the pages can be shown without a repository.
/// </summary>
public sealed class BackupPageSetup : IAsyncDisposable
{
    public const string UserPassword = "Correct-Horse-42-nora";

    private BackupPageSetup(TestDatabase db, TestServer server, HttpClient nora)
    {
        Db = db;
        Server = server;
        Nora = nora;
    }

    public TestDatabase Db { get; }
    public TestServer Server { get; }
    public HttpClient Admin => Server.Client;
    public HttpClient Nora { get; }
    public DateTimeOffset Now => Server.Time.GetUtcNow();
    public T Service<T>() where T : notnull => Server.Host.Services.GetRequiredService<T>();

    public static async Task<BackupPageSetup> StartAsync()
    {
        var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        TestServer? server = null;
        try
        {
            server = await TestServer.StartAsync(db);
            (await server.CompleteSetupAsync()).Dispose();
            (await server.LoginWithTotpAsync()).Dispose();
            var created = await server.Host.Services.GetRequiredService<UserAdministration>().CreateAsync("nora", null, UserPassword, Actor.CommandLine());
            Assert.True(created.Succeeded, created.Error?.Message);
            var nora = server.NewBrowser(out _);
            using var login = await TestServer.LoginAsync(nora, "nora", UserPassword);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            return new BackupPageSetup(db, server, nora);
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            await db.DisposeAsync();
            throw;
        }
    }

    public static async Task<(HttpStatusCode Status, string Html)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A page an administrator may open: 200 and its HTML, entities decoded (Razor writes "ä" as "&amp;#xE4;").</summary>
    public async Task<string> PageAsync(string path)
    {
        var (status, html) = await GetAsync(Admin, path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status}");
        return WebUtility.HtmlDecode(html);
    }

    /// <summary>Posts a form of the overview (a button) and follows its redirect back, as a browser does; returns the page then shown.</summary>
    public async Task<string> ClickAsync(string handler, IDictionary<string, string> fields, string page = "/backup")
    {
        using var posted = await Server.PostFormAsync(page, fields, $"{page}?handler={handler}");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/backup", posted.Headers.Location?.OriginalString);
        return await PageAsync("/backup");
    }

    /// <summary>A target as <see cref="BackupTargets.AddAsync"/> stores it (its secrets are never opened by the pages shown here).</summary>
    public async Task<BackupTarget> AddTargetRowAsync(string name, string repository, BackupRole role, string schedule)
    {
        var target = new BackupTarget
        {
            Id = Guid.CreateVersion7(), Name = name, Repository = repository, Role = role, Secrets = [1, 2, 3], Schedule = schedule,
            KeepDaily = 14, KeepWeekly = 8, KeepMonthly = 12, CreatedAt = Now.ToStoredPrecision(), CreatedBy = "user:ada",
        };
        await using var db = await Service<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync();
        db.BackupTargets.Add(target);
        await db.SaveChangesAsync();
        return target;
    }

    public async Task AddRunsAsync(params BackupRun[] runs)
    {
        await using var db = await Service<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync();
        db.BackupRuns.AddRange(runs);
        await db.SaveChangesAsync();
    }

    public static BackupRun Run(Guid target, string name, BackupRunKind kind, BackupOutcome outcome, DateTimeOffset started, string? error = null) => new()
    {
        Id = Guid.CreateVersion7(), TargetId = target, TargetName = name, Kind = kind, Trigger = "schedule", StartedAt = started.ToStoredPrecision(),
        FinishedAt = started.AddSeconds(75).ToStoredPrecision(), Outcome = outcome, DurationMs = 75_000, Error = error,
    };

    public static string Json(object report) => JsonSerializer.Serialize(report, BackupManifest.Compact);

    public async ValueTask DisposeAsync()
    {
        Nora.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
    }
}
