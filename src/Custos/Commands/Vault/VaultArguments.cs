using System.CommandLine;
using System.Globalization;
using Custos.Core.Vault;

namespace Custos.Commands.Vault;

/// <summary>Options several verbs share, checked while parsing so that a wrong call exits with 2 before any request.</summary>
internal static class VaultArguments
{
    public const string RightsHelp = "use, read, modify, create, manage (comma-separated; manage includes all)";

    public static Option<bool> Json() => new("--json") { Description = "Machine-readable output (JSON)." };

    public static Option<bool> Inherit() => new("--inherit") { Description = "Take the rights of the folder above." };

    public static Option<string[]> Grants()
    {
        var option = new Option<string[]>("--grant")
        {
            Description = $"group:NAME=RIGHTS or user:NAME=RIGHTS (repeatable); rights are {RightsHelp}.",
        };
        option.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                try
                {
                    ParseGrant(token.Value);
                }
                catch (FormatException e)
                {
                    r.AddError(e.Message);
                }
            }
        });
        return option;
    }

    /// <summary>TOM 6.10.4: whoever creates something chooses its rights; there is no silent default.</summary>
    public static void RequireRightsChoice(Command command, Option<bool> inherit, Option<string[]> grants) =>
        command.Validators.Add(r =>
        {
            if (!r.GetValue(inherit) && r.GetValue(grants) is not { Length: > 0 })
                r.AddError("Choose the rights explicitly: --inherit (the rights of the folder above) and/or --grant group:NAME=RIGHTS " +
                           "or user:NAME=RIGHTS.");
        });

    public static IReadOnlyList<PermissionInput> ParseGrants(string[]? specs) => (specs ?? []).Select(ParseGrant).ToList();

    public static PermissionInput ParseGrant(string spec)
    {
        var colon = spec.IndexOf(':');
        var equals = spec.LastIndexOf('=');
        if (colon < 1 || equals < colon + 2)
            throw new FormatException($"'{spec}' is not a grant like group:Support=use,read or user:carol=read.");
        var kind = spec[..colon].Trim().ToLowerInvariant();
        var name = spec[(colon + 1)..equals].Trim();
        var rights = Rights(spec[(equals + 1)..]);
        return kind switch
        {
            "group" => new PermissionInput(name, null, rights),
            "user" => new PermissionInput(null, name, rights),
            _ => throw new FormatException($"'{spec}' must start with group: or user:."),
        };
    }

    public static VaultRights Rights(string text)
    {
        var rights = VaultRightsExtensions.Parse(text);
        return rights == VaultRights.None ? throw new FormatException($"Name at least one right: {RightsHelp}.") : rights;
    }

    /// <summary>An ISO date or date and time; without a zone it is UTC, and a date alone is its start.</summary>
    public static Option<DateTimeOffset?> Date(string name, string description) => new(name)
    {
        Description = description + " (ISO date or date-time, UTC unless a zone is given)",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)) return value;
            r.AddError($"'{text}' is not a date like 2026-03-31 or 2026-03-31T18:00+01:00.");
            return null;
        },
    };

    public static void Exclusive(Command command, params Option[] options) =>
        command.Validators.Add(r =>
        {
            var given = options.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (given.Count > 1) r.AddError($"{string.Join(" and ", given)} cannot be combined.");
        });
}
