using Microsoft.Playwright;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// The organisation the vault journeys start from, set up with ./custos as an administrator would: users carol (Manage
/// on tenant Acme's vault, through group ops) and dave (Use, through helpdesk); and their browser logins.
/// </summary>
internal static class VaultJourneySetup
{
    public static async Task SetUpOrganisationAsync(string data, string work)
    {
        foreach (var user in new[] { "carol", "dave" })
        {
            var file = Path.Combine(work, user + ".pw");
            await File.WriteAllTextAsync(file, PasswordOf(user));
            await Programs.CustosAsync(data, "user", "add", user, "--password-file", file);
        }
        await Programs.CustosAsync(data, "tenant", "add", "Acme");
        foreach (var (group, member, rights) in new[] { ("ops", "carol", "manage"), ("helpdesk", "dave", "use") })
        {
            await Programs.CustosAsync(data, "group", "add", group);
            await Programs.CustosAsync(data, "group", "add-member", group, member);
            await Programs.CustosAsync(data, "tenant", "grant", "Acme", group);
            await Programs.CustosAsync(data, "tenant", "vault-grant", "Acme", group, "--rights", rights);
        }
    }

    public static async Task<IPage> LoginAsync(IBrowser browser, CustosServerProcess server, string user)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "en-US" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseUrl, "/login").ToString());
        await page.Locator("#userName").FillAsync(user);
        await page.Locator("#password").FillAsync(PasswordOf(user));
        await page.Locator("main form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        return page;
    }

    public static string PasswordOf(string user) => $"Correct-Horse-{user}-42";
}
