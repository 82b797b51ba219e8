using System.CommandLine;
using Custos.Core.Vault;
using Custos.Web.Vault;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>get (the one verb that prints or copies a secret) and generate.</summary>
internal static class VaultSecretVerbs
{
    /// <summary>The server's default (VaultOptions.ClipboardClearSeconds), which the web interface uses too.</summary>
    private static readonly int DefaultClearSeconds = new VaultOptions().ClipboardClearSeconds;

    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return Get(verbs);
        yield return Generate(verbs);
    }

    private static Command Get(VaultVerbs verbs)
    {
        var entry = new Argument<string>("entry") { Description = "Entry: Folder/Sub/Title or id." };
        var field = new Option<string>("--field")
        {
            Description = "password, notes, totp (the seed) or the name of a secret field (field:NAME if it is named like one of those).",
            DefaultValueFactory = _ => SecretBundle.PasswordField,
        };
        var version = new Option<int?>("--version") { Description = "An earlier version of the entry (see its history)." };
        var totp = new Option<bool>("--totp") { Description = "The current TOTP code instead of a field." };
        var reveal = new Option<bool>("--reveal") { Description = "Print the secret on standard output." };
        var copy = new Option<bool>("--copy") { Description = "Put the secret on the clipboard and clear it again (the command waits)." };
        var clearAfter = new Option<int>("--clear-after")
        {
            Description = "Seconds until the clipboard is cleared.", DefaultValueFactory = _ => DefaultClearSeconds,
        };
        var attachment = new Option<string?>("--attachment") { Description = "Save this attachment (name or id) to the --output file instead." };
        var outputFile = new Option<string?>("--output") { Description = "The file the attachment goes to (readable by you only)." };
        var force = new Option<bool>("--force") { Description = "Overwrite the --output file if it exists." };
        field.Validators.Add(r =>
        {
            if (SecretField(r.GetValueOrDefault<string>()) is null) r.AddError("--field names a field: password, notes, totp or a secret field's name.");
        });
        clearAfter.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 3600) r.AddError("--clear-after is between 1 and 3600 seconds.");
        });

        var command = verbs.Verb("get", "Reveal one secret of an entry, printed with --reveal or copied with --copy, or save an attachment with --output; " +
            "the server records it.",
            [entry, field, version, totp, reveal, copy, clearAfter, attachment, outputFile, force], async (call, ct) =>
        {
            if (call.Get(attachment) is { } wanted) return await VaultAttachmentVerbs.SaveAsync(call, call.Get(entry)!, wanted, call.Get(outputFile)!, call.Get(force), ct);
            // Before the reveal, so that a missing clipboard tool does not leave a recorded reveal that went nowhere.
            var clipboard = call.Get(copy) ? Clipboard.Find() : null;
            var vault = await call.VaultAsync(ct);
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            string value, what;
            if (call.Get(totp))
            {
                var code = await call.Client.PostAsync<VaultReveals.TotpCode>($"{vault.Api}/entries/{id}/totp", null, ct);
                (value, what) = (code.Code, $"TOTP code (valid {code.SecondsLeft} more seconds)");
            }
            else
            {
                var revealed = await call.Client.PostAsync<VaultReveals.Revealed>($"{vault.Api}/entries/{id}/reveal",
                    new VaultEndpoints.RevealRequest(SecretField(call.Get(field)!), call.Get(version)), ct);
                (value, what) = (revealed.Value, $"{call.Get(field)} (version {revealed.Version})");
            }
            if (clipboard is null)
            {
                await call.Output.WriteLineAsync(value);
                if (call.Get(totp)) await call.Error.WriteLineAsync($"The {what}.");
                return CustosCommandLine.Success;
            }
            return await CopyAsync(call, clipboard, value, what, call.Get(clearAfter), ct);
        });
        command.Validators.Add(r =>
        {
            bool Given(Option o) => r.GetResult(o) is { Implicit: false };
            if (Given(attachment))
            {
                // The file is the one place an attachment goes; --output is the explicit request a secret needs.
                if (!Given(outputFile)) r.AddError("--attachment saves the file: give --output FILE.");
                if (new Option[] { field, version, totp, reveal, copy, clearAfter }.Where(Given).Select(o => o.Name).ToList() is { Count: > 0 } other)
                    r.AddError($"--attachment takes no {string.Join(", ", other)}.");
                return;
            }
            if (Given(outputFile) || Given(force)) r.AddError("--output and --force go with --attachment.");
            var (printing, copying) = (r.GetValue(reveal), r.GetValue(copy));
            if (!printing && !copying)
                r.AddError("get shows a secret only when asked to: --reveal prints it, --copy puts it on the clipboard and clears it after " +
                           $"{DefaultClearSeconds} seconds (--clear-after N). Either way the server records the reveal.");
            if (printing && copying) r.AddError("Choose --reveal or --copy, not both.");
            if (r.GetValue(totp) && (r.GetResult(field) is { Implicit: false } || r.GetResult(version) is not null))
                r.AddError("--totp shows the current code; it takes no --field or --version.");
            if (!copying && r.GetResult(clearAfter) is { Implicit: false }) r.AddError("--clear-after goes with --copy.");
        });
        return command;
    }

    /// <summary>The API's name of a field: the three built-in ones as they are, any other as a custom field; null when empty.</summary>
    private static string? SecretField(string? name) => name?.Trim() switch
    {
        null or "" => null,
        var builtIn when builtIn is SecretBundle.PasswordField or SecretBundle.NotesField or SecretBundle.TotpField => builtIn,
        var custom when custom.StartsWith(SecretBundle.CustomFieldPrefix, StringComparison.Ordinal) =>
            custom.Length > SecretBundle.CustomFieldPrefix.Length ? custom : null,
        var custom => SecretBundle.CustomFieldPrefix + custom,
    };

    /// <summary>Copies, counts down on stderr, and clears, also when the wait is interrupted.</summary>
    private static async Task<int> CopyAsync(VaultCall call, Clipboard clipboard, string value, string what, int seconds, CancellationToken ct)
    {
        await clipboard.CopyAsync(value, ct);
        await call.Error.WriteLineAsync($"Copied the {what} to the clipboard.");
        try
        {
            for (var left = seconds; left > 0; left--)
            {
                await call.Error.WriteAsync($"\rClearing the clipboard in {left} s (Ctrl+C clears now) ");
                await call.Error.FlushAsync(CancellationToken.None);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        finally
        {
            var cleared = await clipboard.ClearAsync(value, CancellationToken.None);
            await call.Error.WriteLineAsync(cleared ? "\rClipboard cleared.                                  "
                : "\rThe clipboard holds something else by now; left as it is.");
        }
        return CustosCommandLine.Success;
    }

    private static Command Generate(VaultVerbs verbs)
    {
        var length = new Option<int?>("--length") { Description = "Characters (default 20)." };
        var noUpper = new Option<bool>("--no-upper") { Description = "No upper-case letters." };
        var noLower = new Option<bool>("--no-lower") { Description = "No lower-case letters." };
        var noDigits = new Option<bool>("--no-digits") { Description = "No digits." };
        var noSymbols = new Option<bool>("--no-symbols") { Description = "No symbols." };
        var exclude = new Option<string?>("--exclude") { Description = "Characters never to use." };
        var excludeAmbiguous = new Option<bool>("--exclude-ambiguous") { Description = "Leave out look-alikes such as I, l, 1, O and 0." };
        var passphrase = new Option<bool>("--passphrase") { Description = "Words instead of characters." };
        var words = new Option<int?>("--words") { Description = "Words of a passphrase (default 5)." };
        var separator = new Option<string?>("--separator") { Description = "Between the words (default -)." };
        var language = new Option<string?>("--language") { Description = "Word list: en (default) or de." };
        language.AcceptOnlyFromAmong("en", "de");
        var json = Json();
        Option[] characterOptions = [length, noUpper, noLower, noDigits, noSymbols, exclude, excludeAmbiguous];
        Option[] phraseOptions = [words, separator, language];
        var command = verbs.Verb("generate", "Print a password (or --passphrase) from the server's generator; nothing is stored.",
            [.. characterOptions, passphrase, .. phraseOptions, json], async (call, ct) =>
        {
            var request = new VaultRightsEndpoints.GenerateRequest(call.Get(passphrase) ? "passphrase" : null, call.Get(length),
                call.Get(noUpper) ? false : null, call.Get(noLower) ? false : null, call.Get(noDigits) ? false : null, call.Get(noSymbols) ? false : null,
                call.Get(exclude), call.Get(excludeAmbiguous) ? true : null, call.Get(words), call.Get(separator), call.Get(language));
            var generated = await call.Client.PostAsync<VaultRightsEndpoints.Generated>("/api/v1/vault/generate", request, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(generated);
            await call.Output.WriteLineAsync(generated.Value);
            await call.Error.WriteLineAsync($"({generated.EntropyBits} bits of entropy)");
            return CustosCommandLine.Success;
        });
        command.Validators.Add(r =>
        {
            bool Given(Option o) => r.GetResult(o) is { Implicit: false };
            if (r.GetValue(passphrase) && characterOptions.Any(Given)) r.AddError("A --passphrase is made of words: --words, --separator, --language.");
            if (!r.GetValue(passphrase) && phraseOptions.Any(Given)) r.AddError("--words, --separator and --language go with --passphrase.");
        });
        return command;
    }
}
