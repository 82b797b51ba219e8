using System.Diagnostics;
using System.Runtime.Versioning;
using Custos.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// TOM 6.9 as a user meets it, against the real `./custos serve`, a real sshd and Chromium: carol stores an SSH login in
/// the browser; dave, who may only use it, opens a browser terminal, is refused until carol confirms the host key, then
/// works on the server without ever seeing the password; carol plays the session's recording back.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecureUseJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task SshEntry_UseHolderWorksInBrowserTerminal_AfterHostKeyConfirmed_NeverSeesPassword_RecordingPlaysBack()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}; test.sh installs it.");
        await using var ssh = await SshTestServer.StartAsync();
        var (server, _) = await CustosServerProcess.StartAsync();
        using var _ = server;
        var work = Directory.CreateTempSubdirectory("custos-ssh-e2e").FullName;
        var console = new List<string>();
        try
        {
            await VaultJourneySetup.SetUpOrganisationAsync(server.DataDirectory, work);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
            var carol = await VaultJourneySetup.LoginAsync(browser, server, "carol");
            var dave = await VaultJourneySetup.LoginAsync(browser, server, "dave");
            var policyViolations = new List<string>();
            foreach (var page in new[] { carol, dave })
            {
                page.Console += (_, message) =>
                {
                    lock (console) console.Add($"{message.Type}: {message.Text}");
                    if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) policyViolations.Add(message.Text);
                };
                page.PageError += (_, error) => { lock (console) console.Add("page error: " + error); };
            }
            Step("sshd on loopback; carol (Manage) and dave (Use) logged in");

            // carol stores the server's login in a new folder.
            await carol.GotoAsync(new Uri(server.BaseUrl, "/vault").ToString());
            await carol.Locator("#vault-tenants a", new() { HasTextString = "Acme" }).ClickAsync();
            await carol.Locator("a[href*='/new-folder']").ClickAsync();
            await carol.Locator("#folder-name").FillAsync("Server");
            await carol.Locator("input[name=rightsChoice][value=inherit]").CheckAsync();
            await carol.Locator("main form button[type=submit]").ClickAsync();
            await carol.Locator("a.button[href*='entry-form']").ClickAsync();
            await carol.Locator("#entry-title").FillAsync("app01");
            await carol.Locator("#entry-username").FillAsync(ssh.PasswordUser);
            await carol.Locator("#entry-password").FillAsync(ssh.Password);
            await carol.Locator("#entry-urls").FillAsync($"ssh://{ssh.Host}:{ssh.Port}");
            await carol.Locator("#entry-limitation").FillAsync("Test server with a generated password");
            await carol.Locator("#entry-form input[name='Input.RightsChoice'][value=inherit]").CheckAsync();
            await carol.Locator("#entry-form button[type=submit]").ClickAsync();
            await carol.WaitForURLAsync(url => url.Contains("/entries/", StringComparison.Ordinal) && !url.Contains("entry-form", StringComparison.Ordinal),
                new() { Timeout = 15_000 }).ContinueWith(async t =>
                {
                    if (t.IsFaulted) Assert.Fail($"saving the entry did not open it: {carol.Url}\n{await carol.Locator("main").InnerTextAsync()}");
                }).Unwrap();
            await carol.Locator("#ssh-use").WaitForAsync();
            var entryUrl = carol.Url.Split('?')[0];
            Assert.Contains("/entries/", entryUrl);
            Step("carol stored the SSH entry: " + entryUrl);

            // dave opens the terminal: the first key the server shows is recorded, and refused until someone confirms it.
            await dave.GotoAsync(entryUrl);
            Assert.Equal(0, await dave.Locator("[data-reveal], [data-copy]").CountAsync());
            await dave.Locator("#open-terminal").ClickAsync();
            await dave.Locator("#terminal-root[data-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await dave.Locator("#terminal-connect").ClickAsync();
            await dave.Locator("#terminal-status.error").WaitForAsync();
            Assert.Contains("host key is not confirmed", await dave.Locator("#terminal-status").InnerTextAsync());
            Step("dave refused: " + await dave.Locator("#terminal-status").InnerTextAsync());

            // carol sees the fingerprint the server presented (the one ssh-keygen prints) and confirms it.
            await carol.ReloadAsync();
            Assert.Contains(ssh.HostKeyFingerprint, await carol.Locator("#ssh-hostkey").InnerTextAsync());
            await carol.Locator("#trust-hostkey").ClickAsync();
            await carol.Locator("#ssh-hostkey", new() { HasTextString = "confirmed by" }).WaitForAsync();
            Assert.Contains("carol", await carol.Locator("#ssh-hostkey").InnerTextAsync());
            Step("carol confirmed " + ssh.HostKeyFingerprint);

            // dave works on the server.
            await dave.Locator("#terminal-reason").FillAsync("TICKET-4711");
            await dave.Locator("#terminal-connect").ClickAsync();
            await dave.Locator("#terminal-disconnect:not([hidden])").WaitForAsync(new() { Timeout = 90_000 }); // an SSH login on a loaded machine
            await dave.Locator("#terminal").ClickAsync();
            await dave.Keyboard.TypeAsync("echo HALLO-$((6*7)) $(whoami)");
            await dave.Keyboard.PressAsync("Enter");
            await dave.WaitForFunctionAsync("user => document.querySelector('#terminal .xterm-rows')?.innerText.includes('HALLO-42 ' + user)", ssh.PasswordUser);
            var screen = await dave.Locator("#terminal .xterm-rows").InnerTextAsync();
            Step("dave's terminal shows: " + screen.Trim().ReplaceLineEndings(" | "));
            // The side panel copies a file up and down again through the same login.
            var upload = Path.Combine(work, $"bericht-{Guid.NewGuid():N}.txt");
            await File.WriteAllTextAsync(upload, "Prüfbericht " + new string('x', 200_000));
            await dave.Locator("#terminal-files summary").ClickAsync();
            await dave.Locator("#files-upload-file").SetInputFilesAsync(upload);
            await dave.Locator("#files-upload button[type=submit]").ClickAsync();
            await dave.Locator("#files-status", new() { HasTextString = "uploaded" }).WaitForAsync();
            var link = dave.Locator("#files-list a", new() { HasTextString = Path.GetFileName(upload) });
            var download = await dave.RunAndWaitForDownloadAsync(() => link.ClickAsync());
            var copy = Path.Combine(work, "copy.txt");
            await download.SaveAsAsync(copy);
            Assert.Equal(await File.ReadAllBytesAsync(upload), await File.ReadAllBytesAsync(copy));
            Step("side panel: uploaded and downloaded " + Path.GetFileName(upload));

            await dave.Locator("#terminal-disconnect").ClickAsync();
            await dave.Locator("#terminal-connect:not([disabled])").WaitForAsync();
            Assert.DoesNotContain(ssh.Password, await dave.ContentAsync());
            Assert.DoesNotContain(ssh.Password, screen);

            // carol plays the recording back.
            await carol.GotoAsync(entryUrl + "/sessions");
            var row = carol.Locator("#ssh-sessions tbody tr").First;
            Assert.Contains("dave", await row.InnerTextAsync());
            await row.Locator("a", new() { HasTextString = "Play" }).ClickAsync();
            await carol.WaitForFunctionAsync("() => document.querySelector('#player .xterm-rows')?.innerText.includes('HALLO-42')");
            Assert.DoesNotContain(ssh.Password, await carol.ContentAsync());
            Step("the recording plays back in carol's browser");

            Assert.True(policyViolations.Count == 0, "CSP refused something:\n" + string.Join('\n', policyViolations));

            // dave on the command line: a token of his own, then a shell with piped input, then one in a terminal.
            var token = (await Programs.CustosAsync(server.DataDirectory, "token", "create", "--user", "dave", "--scope", "vault:read", "--name", "laptop")).Split('\n')[0].Trim();
            string[] connection = ["--server", server.BaseUrl.ToString(), "--data", server.DataDirectory, "--tenant", "Acme"];
            var environment = new Dictionary<string, string> { ["CUSTOS_TOKEN"] = token };
            var piped = await Programs.RunAsync("bash", ["./custos", "ssh", "Server/app01", "--reason", "TICKET-4712", .. connection],
                "echo CLI-$((6*7)) $(whoami)\nexit\n", environment: environment);
            Assert.True(piped.ExitCode == 0, $"custos ssh (piped) exited {piped.ExitCode}: {piped.Error}");
            Assert.Contains($"CLI-42 {ssh.PasswordUser}", piped.Output);
            Step("custos ssh with piped input: " + piped.Output.Trim().Split('\n')[^1].Trim());

            // In a terminal (script gives it one): raw mode, the terminal's size, and a resize (SIGWINCH) 8 s in.
            var command = string.Join(' ', ((string[])["./custos", "ssh", "Server/app01", .. connection]).Select(a => $"'{a}'"));
            var inTerminal = await Programs.RunAsync("script", ["-qec", $"stty cols 100 rows 30; (sleep 8; stty cols 120 rows 40 < /dev/tty) & {command}", "/dev/null"],
                "stty size; sleep 12; stty size; exit\n", environment: environment);
            Assert.True(inTerminal.ExitCode == 0, $"custos ssh (terminal) exited {inTerminal.ExitCode}: {inTerminal.Error}{inTerminal.Output}");
            // The shell's output carries terminal escapes (bracketed paste and the like) right before the numbers.
            var sizes = System.Text.RegularExpressions.Regex.Matches(inTerminal.Output, "(?<![0-9])(?:30 100|40 120)(?![0-9])").Select(m => m.Value).ToList();
            Assert.True(sizes is ["30 100", "40 120"], "expected the size, then the new size after the resize; got:\n" + inTerminal.Output);
            Assert.DoesNotContain(ssh.Password, piped.Output + piped.Error + inTerminal.Output + inTerminal.Error);
            Step("custos ssh in a terminal followed its resize: " + string.Join(" → ", sizes));
        }
        catch
        {
            lock (console) output.WriteLine("browser console:\n" + string.Join('\n', console));
            output.WriteLine(server.Log);
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
