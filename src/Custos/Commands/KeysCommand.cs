using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

public static class KeysCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("keys", "Manage the master key that protects every tenant's data key.");
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var json = CommonOptions.Json();
        var rotate = new Command("rotate", "Create a new master key, re-wrap every data key with it, then destroy the old key file. Safe while the server runs.")
        {
            data, db, json,
        };
        rotate.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            await using var services = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            var keyring = services.GetRequiredService<Keyring>();
            await keyring.VerifyAsync(ct);
            var result = await keyring.RotateMasterKeyAsync(Actor.CommandLine(), null, ct);
            await output.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { previousKey = result.PreviousKeyId, newKey = result.NewKeyId, dataKeys = result.DataKeys })
                : $"Master key rotated: {result.PreviousKeyId} -> {result.NewKeyId}; {result.DataKeys} data keys re-wrapped; the old key file was destroyed.");
            return CustosCommandLine.Success;
        }));
        command.Subcommands.Add(rotate);
        return command;
    }
}
