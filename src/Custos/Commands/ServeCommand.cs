using System.CommandLine;
using System.Net;
using Custos.Storage;
using Custos.Web;

namespace Custos.Commands;

public static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var httpsPort = new Option<int>("--https-port") { Description = "HTTPS port.", DefaultValueFactory = _ => 8443 };
        var httpPort = new Option<int>("--http-port") { Description = "HTTP port that only redirects to HTTPS; 0 disables it.", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var cert = new Option<string?>("--cert") { Description = "TLS certificate (PEM); default: a self-signed one for localhost in the data directory." };
        var key = new Option<string?>("--key") { Description = "Private key of --cert (PEM)." };
        var clipboardSeconds = new Option<int>("--clipboard-clear-seconds")
        {
            Description = "Seconds after which the vault's copy buttons clear the clipboard again.", DefaultValueFactory = _ => 20,
        };
        var passwordReuse = new Option<string>("--password-reuse")
        {
            Description = "What the vault does with a password another entry holds: 'refuse' (default) or 'flag' (save with a warning).",
            DefaultValueFactory = _ => "refuse",
        };
        passwordReuse.AcceptOnlyFromAmong("refuse", "flag");
        clipboardSeconds.Validators.Add(r =>
        {
            try
            {
                if (r.GetValueOrDefault<int>() is < 5 or > 600) r.AddError("--clipboard-clear-seconds must be between 5 and 600.");
            }
            catch (InvalidOperationException)
            {
            }
        });
        var proxyDomain = new Option<string?>("--proxy-domain")
        {
            Description = "Turns on web sessions through Custos's proxy: each is served on its own host under this domain (e.g. " +
                "proxy.custos.example for *.proxy.custos.example), which DNS must point to Custos. The self-signed certificate then names " +
                "*.DOMAIN; a certificate given with --cert must cover *.DOMAIN itself.",
        };
        var clamd = new Option<string?>("--clamd")
        {
            Description = "The virus scanner of the data sluice: clamd's socket as unix:/path or tcp:host:port (default: CUSTOS_CLAMD, else " +
                          "unix:/run/clamav/clamd.ctl, Debian's clamav-daemon). Without it uploads stay in quarantine.",
        };
        var sluiceRelease = new Option<string>("--sluice-release")
        {
            Description = "What the sluice releases for tenants without a policy: 'disarmed' (default: safe copies, flat PDFs), 'original' or 'both'.",
            DefaultValueFactory = _ => "disarmed",
        };
        sluiceRelease.AcceptOnlyFromAmong("disarmed", "original", "both");
        clamd.Validators.Add(r =>
        {
            try
            {
                if (r.GetValueOrDefault<string?>() is { } v) Core.Sluice.Antivirus.ClamdOptions.Parse(v);
            }
            catch (ArgumentException e)
            {
                r.AddError($"--clamd: {e.Message}");
            }
        });
        var role = new Option<string>("--role")
        {
            Description = "What this instance serves: 'all' (default), 'internal' (everything but the public share pages) or 'edge' (only the " +
                          "public share and upload pages, for a separate host in the DMZ; same database and data directory as the internal one).",
            DefaultValueFactory = _ => "all",
        };
        role.AcceptOnlyFromAmong("all", "internal", "edge");
        var publicUrl = new Option<string?>("--public-url")
        {
            Description = "The origin recipients open share links on, e.g. https://share.example.com (the edge instance); default: this server.",
        };
        publicUrl.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } v && (!Uri.TryCreate(v, UriKind.Absolute, out var u) || u.Scheme != "https" || u.PathAndQuery != "/"))
                r.AddError("--public-url must be an https origin such as https://share.example.com.");
        });
        var shareMaxDays = new Option<int>("--share-max-days")
        {
            Description = "No share link lives longer than this many days from its creation (tenant policies may allow less).",
            DefaultValueFactory = _ => 30,
        };
        shareMaxDays.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 365) r.AddError("--share-max-days is between 1 and 365.");
        });
        var passwordPolicy = new Option<string?>("--password-policy")
        {
            Description = "Password rule: 'tom' (default: 11 characters with upper, lower case and digits) or " +
                "'length-and-blocklist' (12 characters, no composition rules); or CUSTOS_PASSWORD_POLICY.",
        };
        foreach (var port in new[] { httpsPort, httpPort })
            port.Validators.Add(r =>
            {
                int v;
                try { v = r.GetValueOrDefault<int>(); }
                catch (InvalidOperationException) { return; } // not a number: the parser reports that itself
                if (v is < 0 or > 65535) r.AddError($"{r.Option.Name} must be a port number (1-65535).");
            });
        bind.Validators.Add(r =>
        {
            if (!IPAddress.TryParse(r.GetValueOrDefault<string>(), out _)) r.AddError("--bind must be an IP address, e.g. 127.0.0.1 or 0.0.0.0.");
        });

        var command = new Command("serve", "Run the Custos server (HTTPS), creating the data directory on first run.")
        {
            data, db, httpsPort, httpPort, bind, cert, key, proxyDomain, clamd, sluiceRelease, role, publicUrl, shareMaxDays, passwordPolicy,
            clipboardSeconds, passwordReuse,
        };
        command.SetAction(async (parse, ct) =>
        {
            Core.Identity.PasswordPolicy policy;
            try
            {
                policy = CommonOptions.PasswordPolicyValue(parse.GetValue(passwordPolicy));
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync($"custos: {e.Message}");
                return CustosCommandLine.UsageError;
            }
            var options = new ServeOptions
            {
                DataDirectory = DataDirectory.Resolve(parse.GetValue(data)),
                Database = CommonOptions.DatabaseValue(parse.GetValue(db)),
                HttpsPort = parse.GetValue(httpsPort),
                HttpPort = parse.GetValue(httpPort),
                Bind = IPAddress.Parse(parse.GetValue(bind)!),
                CertificatePath = parse.GetValue(cert),
                CertificateKeyPath = parse.GetValue(key),
                ProxyDomain = parse.GetValue(proxyDomain),
                Clamd = parse.GetValue(clamd) ?? (Environment.GetEnvironmentVariable("CUSTOS_CLAMD") is { Length: > 0 } fromEnvironment
                    ? fromEnvironment : ServeOptions.DefaultClamd),
                SluiceRelease = Enum.Parse<Core.Sluice.SluiceRelease>(parse.GetValue(sluiceRelease)!, ignoreCase: true),
                Role = Enum.Parse<ServerRole>(parse.GetValue(role)!, ignoreCase: true),
                PublicUrl = parse.GetValue(publicUrl),
                ShareMaxDays = parse.GetValue(shareMaxDays),
                Identity = new Core.Identity.IdentityOptions { PasswordPolicy = policy },
                Vault = new Core.Vault.VaultOptions
                {
                    ClipboardClearSeconds = parse.GetValue(clipboardSeconds),
                    Reuse = parse.GetValue(passwordReuse) == "flag" ? Core.Vault.ReuseMode.Flag : Core.Vault.ReuseMode.Refuse,
                },
            };
            CustosHost host;
            try
            {
                host = await CustosHost.StartAsync(options, ct);
            }
            catch (StartupException e)
            {
                await error.WriteLineAsync($"custos: {e.Message}");
                return CustosCommandLine.Failure;
            }
            await using (host)
            {
                await output.WriteLineAsync($"Custos is running at {host.HttpsUrl}");
                await output.WriteLineAsync($"Data directory: {options.DataDirectory}");
                if (options.Role != ServerRole.All) await output.WriteLineAsync($"Role: {options.Role.ToString().ToLowerInvariant()}");
                if (host.SetupLink is not null)
                {
                    await output.WriteLineAsync("No administrator exists yet. Open this one-time link within one hour to create one:");
                    await output.WriteLineAsync($"  {host.SetupLink}");
                }
                await output.WriteLineAsync("Press Ctrl+C to stop.");
                await output.FlushAsync(ct);
                try
                {
                    await host.WaitForShutdownAsync(ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return CustosCommandLine.Success;
        });
        return command;
    }
}
