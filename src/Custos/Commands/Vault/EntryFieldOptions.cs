using System.CommandLine;
using System.CommandLine.Parsing;
using Custos.Core.Vault;

namespace Custos.Commands.Vault;

/// <summary>
/// Custom fields on add and edit: text fields with their value on the command line, secret fields with the value from
/// standard input, a prompt or a file, never from an argument (`ps` and the shell history would keep it).
/// </summary>
internal sealed class EntryFieldOptions
{
    public EntryFieldOptions(bool editing)
    {
        Check(Text, "NAME=VALUE", withValue: true);
        Check(SecretFromInput, "NAME", withValue: false);
        SecretFromInput.Validators.Add(r =>
        {
            // NAME=VALUE here would put the secret where `ps` shows it, and into the field's (visible) name.
            if (r.Tokens.Any(t => t.Value.Contains('=')))
                r.AddError("--secret-field takes the NAME only; the value comes from standard input or a prompt, or from a file with " +
                           "--secret-field-file NAME=PATH, never from the command line.");
        });
        Check(SecretFromFile, "NAME=PATH", withValue: true);
        SecretFromFile.Validators.Add(r =>
        {
            if (Parsed(r.GetValueOrDefault<string[]>()).Any(f => f.Value.Length == 0)) r.AddError("--secret-field-file needs a PATH after NAME=.");
        });
        if (!editing) return;
        Remove = new Option<string[]>("--remove-field") { Description = "Remove this custom field, text or secret (repeatable)." };
        Check(Remove, "NAME", withValue: false);
    }

    public Option<string[]> Text { get; } = new("--field")
    {
        Description = "Text field NAME=VALUE, shown to everyone who sees the entry (repeatable).",
    };

    public Option<string[]> SecretFromInput { get; } = new("--secret-field")
    {
        Description = "Secret field NAME; its value is read from standard input, one line per field in the order given, or asked for " +
                      "(repeatable).",
    };

    public Option<string[]> SecretFromFile { get; } = new("--secret-field-file")
    {
        Description = "Secret field NAME=PATH, its value from this file (first line), or '-' for standard input (repeatable).",
    };

    /// <summary>Only on edit: on add there is nothing to remove.</summary>
    public Option<string[]>? Remove { get; }

    public IEnumerable<Option> All => Remove is null ? [Text, SecretFromInput, SecretFromFile] : [Text, SecretFromInput, SecretFromFile, Remove];

    /// <summary>Whether this run reads a secret field from standard input (which only one option may do).</summary>
    public bool ReadsStandardInput(CommandResult r) =>
        r.GetValue(SecretFromInput) is { Length: > 0 }
        || (r.GetValue(SecretFromFile) ?? []).Any(s => Parse(s, withValue: true)?.Value == SecretFiles.StandardInput);

    public void Validate(Command command) =>
        command.Validators.Add(r =>
        {
            var set = Names(r.GetValue(Text), withValue: true)
                .Concat(Names(r.GetValue(SecretFromInput), withValue: false))
                .Concat(Names(r.GetValue(SecretFromFile), withValue: true))
                .ToList();
            foreach (var twice in set.GroupBy(n => n).Where(g => g.Count() > 1))
                r.AddError($"The field '{twice.Key}' is given more than once.");
            if (Remove is not null)
            {
                foreach (var both in Names(r.GetValue(Remove), withValue: false).Intersect(set))
                    r.AddError($"The field '{both}' cannot be set and removed at once.");
            }
        });

    /// <summary>Whether any field option was given (on edit, null fields leave the entry's fields as they are).</summary>
    public bool Given(VaultCall call) => All.Any(o => o is Option<string[]> list && call.Get(list) is { Length: > 0 });

    /// <summary>
    /// The entry's custom fields after this change. The API replaces the whole list, so on edit the fields not named
    /// here are sent along; secret ones without a value, which keeps the value they have.
    /// </summary>
    public IReadOnlyList<CustomFieldInput>? Read(VaultCall call, EntryView? current)
    {
        if (!Given(call)) return null;
        var text = new Dictionary<string, string>(current?.TextFields ?? new Dictionary<string, string>());
        var secret = (current?.SecretFields ?? [])
            .Where(s => s.StartsWith(SecretBundle.CustomFieldPrefix, StringComparison.Ordinal))
            .ToDictionary(s => s[SecretBundle.CustomFieldPrefix.Length..], _ => (string?)null);
        foreach (var name in Remove is null ? [] : call.Get(Remove) ?? [])
        {
            var trimmed = name.Trim();
            if (!text.Remove(trimmed) && !secret.Remove(trimmed)) throw new CommandException($"The entry has no field '{trimmed}'.");
        }
        foreach (var (name, value) in Parsed(call.Get(Text)))
        {
            secret.Remove(name);
            text[name] = value;
        }
        foreach (var name in (call.Get(SecretFromInput) ?? []).Select(s => s.Trim()))
        {
            text.Remove(name);
            secret[name] = SecretFiles.ReadFirstLine(SecretFiles.StandardInput, "--secret-field", call.Error, $"Secret field {name}");
        }
        foreach (var (name, path) in Parsed(call.Get(SecretFromFile)))
        {
            text.Remove(name);
            secret[name] = SecretFiles.ReadFirstLine(path, "--secret-field-file", call.Error, $"Secret field {name}");
        }
        return text.Select(f => new CustomFieldInput(f.Key, f.Value, Secret: false))
            .Concat(secret.Select(f => new CustomFieldInput(f.Key, f.Value, Secret: true)))
            .ToList();
    }

    /// <summary>Wrong forms are usage errors (exit 2), found while parsing.</summary>
    private static void Check(Option<string[]> option, string form, bool withValue) =>
        option.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => Parse(t.Value, withValue) is null))
                r.AddError($"{option.Name} '{token.Value}' is not of the form {form}.");
        });

    private static IEnumerable<string> Names(string[]? values, bool withValue) =>
        (values ?? []).Select(v => Parse(v, withValue)?.Name).OfType<string>();

    private static IEnumerable<(string Name, string Value)> Parsed(string[]? values) =>
        (values ?? []).Select(v => Parse(v, withValue: true)).OfType<(string, string)>();

    /// <summary>NAME, or NAME=VALUE split at the first '=' (a name cannot hold one, a value can); null when malformed.</summary>
    private static (string Name, string Value)? Parse(string text, bool withValue)
    {
        if (!withValue) return text.Trim() is { Length: > 0 } alone ? (alone, "") : null;
        var equals = text.IndexOf('=');
        return equals > 0 && text[..equals].Trim() is { Length: > 0 } name ? (name, text[(equals + 1)..]) : null;
    }
}
