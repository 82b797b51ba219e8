using System.CommandLine;
using System.Text.Json;
using Custos.Core.Vault;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Csv;
using Custos.Web.Vault;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>import and export of KeePass, Bitwarden and CSV files through the server.</summary>
internal static class VaultTransferVerbs
{
    private const string Kdbx = "kdbx";

    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return Import(verbs);
        yield return Export(verbs);
    }

    private static Command Import(VaultVerbs verbs)
    {
        var file = new Argument<string>("file") { Description = "The file to import." };
        var format = new Option<string>("--format") { Description = "kdbx, bitwarden-json, bitwarden-csv or csv.", Required = true };
        format.AcceptOnlyFromAmong(Kdbx, "bitwarden-json", "bitwarden-csv", "csv");
        var folder = new Option<string>("--folder") { Description = "Name of the new folder the import goes into.", Required = true };
        var parent = new Option<string?>("--parent") { Description = "Existing folder (path or id) to create it in (default: the vault root)." };
        var inherit = Inherit();
        var grants = Grants();
        var passwordFile = new Option<string?>("--password-file") { Description = "KeePass master password from this file (first line), or '-' for standard input." };
        var keyFile = new Option<string?>("--key-file") { Description = "KeePass key file." };
        var csvMap = new Option<string?>("--csv-map")
        {
            Description = "Which column holds what, for --format csv: \"title=Name,username=Login,password=Pass,url=Website\"; parts are title, " +
                          "userName, password, url, notes, totp, folder, tags, expires, serviceLimitation, fields, secretFields and " +
                          "dateFormat, a column by header or 1-based position (default: recognised from the header).",
        };
        csvMap.Validators.Add(r =>
        {
            try
            {
                CsvMappingText.Parse(r.GetValueOrDefault<string>() ?? "");
            }
            catch (TransferFormatException e)
            {
                r.AddError($"--csv-map: {e.Message}");
            }
        });
        var json = Json();
        var command = verbs.Verb("import", "Import a KeePass, Bitwarden or CSV file into a new folder, with explicitly chosen rights.",
            [file, format, folder, parent, inherit, grants, passwordFile, keyFile, csvMap, json], async (call, ct) =>
        {
            var path = call.Get(file)!;
            using var form = new MultipartFormDataContent();
            // Read before any request: a wrong path should cost nothing on the server.
            form.Add(new ByteArrayContent(SecretFiles.ReadBytes(path, "the import file", 512L << 20)), "file", Path.GetFileName(path));
            if (call.Get(keyFile) is { } key) form.Add(new ByteArrayContent(SecretFiles.ReadBytes(key, "--key-file", 1024 * 1024 - 1)), "keyFile", "key");
            if (call.Get(passwordFile) is { } pw) form.Add(new StringContent(SecretFiles.ReadFirstLine(pw, "--password-file", call.Error)), "password");
            var vault = await call.VaultAsync(ct);
            if (call.Get(parent) is { } parentName) form.Add(new StringContent((await vault.FolderAsync(parentName, ct)).Id.ToString()), "parent");
            form.Add(new StringContent(call.Get(format)!), "format");
            if (call.Get(csvMap) is { } map) form.Add(new StringContent(map), "csvMapping");
            form.Add(new StringContent(call.Get(folder)!), "folderName");
            form.Add(new StringContent(JsonSerializer.Serialize(ParseGrants(call.Get(grants)), VaultClient.Json)), "permissions");
            form.Add(new StringContent(call.Get(inherit) ? "true" : "false"), "inheritRights");

            var report = await call.Client.PostAsync<ImportReport>($"{vault.Api}/import", form, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(report);
            await call.Output.WriteLineAsync($"Imported into {call.Get(folder)} ({report.FolderId}): {report.Entries} entries in {report.Folders} folders, " +
                                             $"{report.HistoryVersions} earlier versions, {report.Attachments} attachments.");
            await call.Output.WriteLineAsync($"Skipped: {(report.Skipped.Count == 0 ? "nothing." : report.Skipped.Count.ToString())}");
            foreach (var skip in report.Skipped) await call.Output.WriteLineAsync($"  {skip.Path}: {skip.Reason}");
            await call.WarnAsync(report.Warnings);
            return CustosCommandLine.Success;
        });
        RequireRightsChoice(command, inherit, grants);
        command.Validators.Add(r =>
        {
            var keePass = r.GetValue(format) == Kdbx;
            if (keePass && r.GetValue(passwordFile) is null && r.GetValue(keyFile) is null)
                r.AddError("A KeePass file opens with --password-file FILE ('-' for standard input) and/or --key-file FILE.");
            if (!keePass && (r.GetValue(passwordFile) is not null || r.GetValue(keyFile) is not null))
                r.AddError("--password-file and --key-file are for KeePass files (--format kdbx).");
            if (r.GetValue(csvMap) is not null && r.GetValue(format) != "csv")
                r.AddError("--csv-map is for CSV files of any source (--format csv); Bitwarden's columns are known.");
        });
        return command;
    }

    private static Command Export(VaultVerbs verbs)
    {
        var file = new Argument<string>("file") { Description = "The file to write (readable by you only)." };
        var format = new Option<string>("--format") { Description = "kdbx (encrypted), csv or bitwarden-json (both plaintext).", Required = true };
        format.AcceptOnlyFromAmong(Kdbx, "csv", "bitwarden-json");
        var folder = new Option<string?>("--folder") { Description = "Only this folder and what is below it (path or id)." };
        var passwordFile = new Option<string?>("--password-file")
        {
            Description = "Password for the KeePass file, from this file (first line) or '-' for standard input.",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists." };
        var json = Json();
        var command = verbs.Verb("export", "Export the entries you may read; each one counts as revealed to you.",
            [file, format, folder, passwordFile, force, json], async (call, ct) =>
        {
            var path = OwnerOnlyFile.Target(call.Get(file)!, call.Get(force));
            var password = call.Get(passwordFile) is { } pw ? SecretFiles.ReadFirstLine(pw, "--password-file", call.Error) : null;
            if (password is "") throw new VaultUsageException("The KeePass file's password is empty.");
            var vault = await call.VaultAsync(ct);
            var scope = call.Get(folder) is { } name ? await vault.FolderAsync(name, ct) : null;
            var (content, headers) = await call.Client.DownloadAsync($"{vault.Api}/export",
                new VaultTransferEndpoints.ExportRequest(call.Get(format), scope?.Id, password), ct);
            OwnerOnlyFile.Write(path, content, call.Get(force));
            var exported = Header(headers, "X-Custos-Exported");
            var leftOut = Header(headers, "X-Custos-Left-Out");
            if (call.Get(format) != Kdbx)
                await call.WarnAsync([$"{path} holds the passwords in plaintext: keep it safe and delete it when done."]);
            if (call.Get(json)) return await call.PrintJsonAsync(new { file = path, format = call.Get(format), exported, leftOut });
            return await call.PrintAsync($"Exported {exported} entries to {path}" +
                                         (leftOut > 0 ? $"; {leftOut} left out because you may not read them." : "."));
        });
        command.Validators.Add(r =>
        {
            var keePass = r.GetValue(format) == Kdbx;
            if (keePass && r.GetValue(passwordFile) is null)
                r.AddError("A KeePass export is encrypted with a password: give it with --password-file FILE ('-' for standard input).");
            if (!keePass && r.GetValue(passwordFile) is not null) r.AddError("Only KeePass files (--format kdbx) have a password.");
        });
        return command;
    }

    private static int Header(System.Net.Http.Headers.HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), out var n) ? n : 0;
}
