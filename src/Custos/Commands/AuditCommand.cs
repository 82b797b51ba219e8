using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Web.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

public static class AuditCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("audit", "Verify and export the tamper-evident audit log.");
        command.Subcommands.Add(Verify(output, error));
        command.Subcommands.Add(Export(output, error));
        return command;
    }

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var json = CommonOptions.Json();
        var command = new Command("verify", "Recompute the hash chain; exit 1 and name the first bad event if anything was altered, removed or reordered.")
        {
            data, db, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            await using var services = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            await using var context = await services.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync(ct);
            var result = await AuditChainVerifier.VerifyAsync(context, Storage.SqliteAuditRows.Open, null, ct);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    intact = result.IsIntact,
                    verifiedEvents = result.VerifiedEvents,
                    firstBadEvent = result.FirstBadSequence,
                    problem = result.Problem,
                }));
            }
            else if (result.IsIntact)
            {
                await output.WriteLineAsync($"Audit chain intact: {result.VerifiedEvents} events verified.");
            }
            else
            {
                await output.WriteLineAsync($"Audit chain BROKEN at event {result.FirstBadSequence}: {result.Problem}");
                await output.WriteLineAsync($"{result.VerifiedEvents} events before it verified.");
            }
            return result.IsIntact ? CustosCommandLine.Success : CustosCommandLine.Failure;
        }));
        return command;
    }

    private static Command Export(TextWriter output, TextWriter error)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var since = new Option<string?>("--since") { Description = "Only events at or after this time (ISO 8601)." };
        var until = new Option<string?>("--until") { Description = "Only events before this time (ISO 8601)." };
        var outFile = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        foreach (var time in new[] { since, until })
            time.Validators.Add(r =>
            {
                if (!AuditEndpoints.TryTime(r.GetValueOrDefault<string?>(), out _)) r.AddError($"{r.Option.Name} must be a date or time (ISO 8601).");
            });
        var command = new Command("export", "Write audit events as JSON lines (the export itself is recorded in the log).")
        {
            data, db, since, until, outFile,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            AuditEndpoints.TryTime(parse.GetValue(since), out var s);
            AuditEndpoints.TryTime(parse.GetValue(until), out var u);
            await using var services = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            var query = services.GetRequiredService<AuditQuery>();
            var events = query.ExportAsync(new AuditFilter(Since: s, Until: u), Actor.CommandLine(), ct);
            long count;
            if (parse.GetValue(outFile) is { } path)
            {
                await using var file = File.Create(path);
                count = await AuditJson.WriteLinesAsync(events, file, ct);
                await error.WriteLineAsync($"{count} events written to {path}.");
            }
            else
            {
                await using var stdout = Console.OpenStandardOutput();
                if (ReferenceEquals(output, Console.Out))
                {
                    count = await AuditJson.WriteLinesAsync(events, stdout, ct);
                }
                else
                {
                    using var buffer = new MemoryStream();
                    count = await AuditJson.WriteLinesAsync(events, buffer, ct);
                    await output.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                }
            }
            return CustosCommandLine.Success;
        }));
        return command;
    }
}
