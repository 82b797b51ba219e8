using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Keys;
using Custos.Core.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

/// <summary>`custos directory configure|sync`: the LDAP / Active Directory connection (TOM 6.3).</summary>
public static class DirectoryCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("directory", "Connect Custos to LDAP / Active Directory and mirror its users and groups.");
        command.Subcommands.Add(Configure(output, error));
        command.Subcommands.Add(Sync(output, error));
        return command;
    }

    private static Command Configure(TextWriter output, TextWriter error)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var host = new Option<string>("--host") { Description = "Directory server (host name or IP address).", Required = true };
        var port = new Option<int?>("--port") { Description = "Port (default 636 for ldaps, 389 otherwise)." };
        var security = new Option<string>("--security")
        {
            Description = "ldaps, starttls, or none (plain LDAP, only with --allow-insecure).",
            DefaultValueFactory = _ => DirectorySecurity.Ldaps,
        };
        security.AcceptOnlyFromAmong([.. DirectorySecurity.All]);
        var allowInsecure = new Option<bool>("--allow-insecure") { Description = "Allow plain LDAP: passwords then cross the network unencrypted." };
        var caDir = new Option<string?>("--ca-dir") { Description = "Folder with the CA certificate(s) (PEM) that signed the directory's certificate." };
        var baseDn = new Option<string>("--base-dn") { Description = "Where users are searched, e.g. dc=example,dc=com.", Required = true };
        var bindDn = new Option<string>("--bind-dn") { Description = "The service account that reads users and groups.", Required = true };
        var bindPasswordFile = new Option<string?>("--bind-password-file")
        {
            Description = "File holding the service account's password (never on the command line, where other users could see it). " +
                          "Required the first time; omitted later keeps the stored password.",
        };
        var userFilter = new Option<string>("--user-filter")
        {
            Description = "LDAP filter selecting the enabled users (default: AD person accounts without the disabled bit).",
            DefaultValueFactory = _ => DirectoryConfiguration.ActiveDirectoryUserFilter,
        };
        var userAttribute = new Option<string>("--user-attribute") { Description = "Attribute holding the login name.", DefaultValueFactory = _ => "sAMAccountName" };
        var displayAttribute = new Option<string>("--display-attribute") { Description = "Attribute holding the full name.", DefaultValueFactory = _ => "displayName" };
        var map = new Option<string[]>("--map")
        {
            Description = "Mirror a directory group into a Custos group: \"DIRECTORY-GROUP-DN=Custos group\" (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        map.Validators.Add(r =>
        {
            foreach (var m in r.GetValueOrDefault<string[]>() ?? [])
                if (!GroupMappings.TryParseOption(m, out _, out _)) r.AddError($"--map '{m}' must look like \"cn=admins,ou=Groups,dc=example,dc=com=Administrators\".");
        });
        var interval = new Option<int>("--sync-interval")
        {
            Description = "Minutes between scheduled syncs of the running server; 0 turns the schedule off.",
            DefaultValueFactory = _ => 60,
        };
        var json = CommonOptions.Json();

        var command = new Command("configure", "Store the directory connection; the service account's password is kept encrypted.")
        {
            data, db, host, port, security, allowInsecure, caDir, baseDn, bindDn, bindPasswordFile, userFilter, userAttribute, displayAttribute,
            map, interval, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            var mode = parse.GetValue(security)!;
            var mappings = new Dictionary<string, string>();
            foreach (var m in parse.GetValue(map) ?? [])
            {
                GroupMappings.TryParseOption(m, out var dn, out var group);
                mappings[dn] = group;
            }
            var request = new DirectoryConfigurationRequest
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port) ?? (mode == DirectorySecurity.Ldaps ? 636 : 389),
                Security = mode,
                AllowInsecure = parse.GetValue(allowInsecure),
                TrustedCertificatesDirectory = parse.GetValue(caDir),
                BaseDn = parse.GetValue(baseDn)!,
                BindDn = parse.GetValue(bindDn)!,
                BindPassword = parse.GetValue(bindPasswordFile) is { } file ? await ReadPasswordFileAsync(file, ct) : null,
                UserFilter = parse.GetValue(userFilter)!,
                UserNameAttribute = parse.GetValue(userAttribute)!,
                DisplayNameAttribute = parse.GetValue(displayAttribute),
                GroupMappings = mappings,
                SyncIntervalMinutes = parse.GetValue(interval),
            };

            await using var services = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            await services.GetRequiredService<Keyring>().VerifyAsync(ct);
            var result = await ActivatorUtilities.CreateInstance<DirectoryConfiguration>(services).SaveAsync(request, Actor.CommandLine(), ct);
            if (!result.Succeeded) throw new CommandException(result.Error!.Message);
            var saved = result.Value!;
            await output.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { endpoint = DirectoryEndpoint.From(saved).Display, baseDn = saved.BaseDn, mappings = mappings.Count })
                : $"Directory configured: {DirectoryEndpoint.From(saved).Display}, base {saved.BaseDn}, {mappings.Count} group mappings. " +
                  "Run 'custos directory sync' to import the users.");
            return CustosCommandLine.Success;
        }));
        return command;
    }

    private static Command Sync(TextWriter output, TextWriter error)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var json = CommonOptions.Json();
        var command = new Command("sync", "Mirror the directory now: create, update, disable and re-enable users; set the members of mapped groups.")
        {
            data, db, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            await using var services = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            await services.GetRequiredService<Keyring>().VerifyAsync(ct);
            var configuration = ActivatorUtilities.CreateInstance<DirectoryConfiguration>(services);
            var result = await ActivatorUtilities.CreateInstance<DirectorySync>(services, configuration).SyncAsync(Actor.CommandLine(), ct);
            if (!result.Succeeded) throw new CommandException(result.Error!.Message);
            var s = result.Value!;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    at = s.At,
                    directoryUsers = s.DirectoryUsers,
                    created = s.Created,
                    updated = s.Updated,
                    enabled = s.Enabled,
                    disabled = s.Disabled,
                    membershipsAdded = s.MembershipsAdded,
                    membershipsRemoved = s.MembershipsRemoved,
                    groupsCreated = s.GroupsCreated,
                    skipped = s.Skipped,
                    conflicts = s.Conflicts,
                }));
            }
            else
            {
                await output.WriteLineAsync($"Directory synchronised: {s}.");
                foreach (var line in s.Skipped) await output.WriteLineAsync($"  skipped {line}");
                foreach (var line in s.Conflicts) await output.WriteLineAsync($"  conflict {line}");
            }
            return CustosCommandLine.Success;
        }));
        return command;
    }

    /// <summary>The whole file minus one trailing line break, as `echo secret &gt; file` leaves it.</summary>
    private static async Task<string> ReadPasswordFileAsync(string path, CancellationToken ct)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot read the password file '{path}': {e.Message}");
        }
        text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return text.Length > 0 ? text : throw new CommandException($"The password file '{path}' is empty.");
    }
}
