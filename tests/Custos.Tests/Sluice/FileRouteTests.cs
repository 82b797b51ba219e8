using System.IO.Pipelines;
using System.Net;
using System.Reflection;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Custos.Web.Sluice;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Sluice;

/// <summary>
/// "Nothing bypasses the sluice": every route and page handler that can receive a file is found by walking the host,
/// and each must be one of the known file routes, which say how they let files in; a virus sent to the routes that
/// keep or hand on files is refused.
/// </summary>
public sealed class FileRouteTests
{
    /// <summary>Every way a file comes in, and how.</summary>
    private static readonly Dictionary<string, string> FileRoutes = new()
    {
        ["UploadDocument"] = FileIntake.Quarantine,
        ["CheckInDocument"] = FileIntake.Quarantine,
        ["AddVaultAttachment"] = FileIntake.Screened,
        ["UploadSshFile"] = FileIntake.Screened,
        ["CheckFile"] = FileIntake.Screened,
        ["PublicUpload"] = FileIntake.Quarantine,
        ["SendFiles"] = FileIntake.Screened,
        ["ImportVault"] = FileIntake.Parsed,
        ["EntryModel.OnPostAttachAsync"] = FileIntake.Screened,
        ["TransferModel.OnPostImportAsync"] = FileIntake.Parsed,
    };

    /// <summary>POST routes (by route or endpoint name) that take the raw request (HttpContext) but read no file from it: each says why.</summary>
    private static readonly Dictionary<string, string> NoFile = new()
    {
        ["/api/v1/tenants/{tenant:guid}/documents/{id:guid}/checkout"] = "no body",
        ["/api/v1/tenants/{tenant:guid}/documents/{id:guid}/cancel-checkout"] = "no body",
        ["/api/v1/tenants/{tenant:guid}/documents/holds/{id:guid}/release"] = "no body",
        ["BeginSecurityKeyLogin"] = "no body",
        ["BeginSecurityKeyRegistration"] = "no body",
        ["BeginSecurityKeyStepUp"] = "no body",
        ["TerminateSshSession"] = "no body",
        ["RevokeShare"] = "no body",
        ["TerminateWebSession"] = "no body",
        ["RunBackup"] = "no body",
        ["CheckBackupTarget"] = "no body",
        ["AcknowledgeBackupAlarm"] = "no body",
        ["/api/v1/tenants/{tenant:guid}/vault/access-requests/{id:guid}/{decision:regex(^(approve|deny)$)}"] = "no body",
        ["/api/v1/tenants/{tenant:guid}/vault/entries/{id:guid}/totp"] = "no body",
    };

    private static readonly Type[] FileTypes = [typeof(IFormFile), typeof(IFormFileCollection), typeof(IFormCollection), typeof(Stream), typeof(PipeReader)];

    [Fact]
    public async Task EveryRouteThatCanTakeAFile_IsAKnownFileRoute_ThatSaysHowItLetsFilesIn()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        var found = new Dictionary<string, string?>();
        foreach (var e in server.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            if (!methods.Any(m => m is "POST" or "PUT" or "PATCH")) continue;
            var route = "/" + e.RoutePattern.RawText!.TrimStart('/');
            var intake = e.Metadata.GetMetadata<FileIntake>()?.How;
            var handler = e.Metadata.GetMetadata<MethodInfo>();
            if (handler is null) continue; // Razor pages: below, by their handler methods
            var parameters = handler.GetParameters().Select(p => p.ParameterType).ToList();
            var accepts = e.Metadata.GetOrderedMetadata<IAcceptsMetadata>().SelectMany(a => a.ContentTypes).ToList();
            var jsonOnly = accepts.Count > 0 && accepts.All(t => t.StartsWith("application/json", StringComparison.Ordinal));
            var raw = parameters.Any(p => p == typeof(HttpContext) || p == typeof(HttpRequest));
            var name = e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? route;
            var takesFile = parameters.Any(p => FileTypes.Contains(p)) || accepts.Any(t => !t.StartsWith("application/json", StringComparison.Ordinal))
                            || (raw && !jsonOnly && !NoFile.ContainsKey(route) && !NoFile.ContainsKey(name));
            if (!takesFile && intake is null) continue;
            found[name] = intake;
        }
        foreach (var page in typeof(FileIntake).Assembly.GetTypes().Where(t => typeof(PageModel).IsAssignableFrom(t)))
        foreach (var method in page.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            if (!method.Name.StartsWith("OnPost", StringComparison.Ordinal) && !method.Name.StartsWith("OnPut", StringComparison.Ordinal)) continue;
            if (!method.GetParameters().Any(p => FileTypes.Contains(p.ParameterType))) continue;
            found[$"{page.Name}.{method.Name}"] = method.GetCustomAttribute<FileIntake>()?.How;
        }

        static string Show(IEnumerable<KeyValuePair<string, string?>> routes) => string.Join("\n", routes.OrderBy(r => r.Key).Select(r => $"{r.Key} = {r.Value ?? "(none)"}"));
        Assert.True(Show(FileRoutes!) == Show(found), $"Routes that can take a file:\n{Show(found)}\n\nexpected:\n{Show(FileRoutes!)}");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AVirusAsAVaultAttachment_IsRefused_AndNothingIsKept(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var entry = await carol.CreateEntryAsync(folder, "Web server", VaultTestSetup.NewSecret());

        var sent = new MultipartFormDataContent { { new ByteArrayContent(ClamdTestServer.Eicar()), "file", "readme.txt" } };
        var refused = (await carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", sent)).AssertStatus((HttpStatusCode)422, "sluice.blocked");
        Assert.Contains("antivirus.found", refused.Body);
        var macro = new MultipartFormDataContent { { new ByteArrayContent(SluiceTestFiles.MacroDocument()), "file", "Zugang.docm" } };
        (await carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", macro)).AssertStatus((HttpStatusCode)422, "sluice.blocked");

        await using var data = v.Data();
        Assert.Empty(data.VaultAttachments.Where(a => a.EntryId == entry));
        Assert.Equal(2, data.AuditEvents.Count(a => a.Action == "sluice.screen" && a.Outcome == Core.Audit.AuditOutcome.Denied));
    }
}
