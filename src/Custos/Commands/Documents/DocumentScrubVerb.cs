using System.CommandLine;
using System.Text.Json;
using Custos.Core.Documents;
using Custos.Core.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands.Documents;

/// <summary>
/// `custos doc scrub --data DIR`: like `custos audit verify`, a local check of a data directory (and its database), not a
/// client of the server. Every version is read back, decrypted and compared with its checksum; exit 1 when any version is
/// missing or altered, or a blob belongs to no version.
/// </summary>
internal static class DocumentScrubVerb
{
    public static Command Create(DocumentConnection connection, TextWriter output, TextWriter error)
    {
        var db = CommonOptions.Database();
        var json = CommonOptions.Json();
        var command = new Command("scrub", "Re-read every stored document version of a data directory (--data, --db) and check it against its " +
                                           "SHA-256; report missing or altered versions and blobs no version refers to (exit 1 if any). Read-only; " +
                                           "safe while the server runs.")
        {
            db, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            await using var services = CommonOptions.LocalServices(parse.GetValue(connection.Data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            // A wrong key file would make every version look damaged; refuse it once, with the keyring's own message.
            await services.GetRequiredService<Keyring>().VerifyAsync(ct);
            var scrub = ActivatorUtilities.CreateInstance<DocumentScrub>(services);
            return parse.GetValue(json)
                ? await RunJsonAsync(scrub, output, ct)
                : await RunTextAsync(scrub, output, error, ct);
        }));
        return command;
    }

    private static async Task<int> RunTextAsync(DocumentScrub scrub, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var progress = ProgressBar.Count(error, "Scrub", await scrub.CountVersionsAsync(ct), "versions");
        var summary = await scrub.RunAsync(async finding =>
        {
            progress.Clear();
            await output.WriteLineAsync(Line(finding));
        }, progress, ct);
        progress.Complete();
        if (summary.IsIntact)
        {
            await output.WriteLineAsync($"All {summary.VersionsChecked:N0} document versions intact ({ByteSize.Format(summary.BytesChecked)} read); " +
                                        $"{summary.BlobsListed:N0} blobs, none orphaned.");
            return CustosCommandLine.Success;
        }
        await output.WriteLineAsync($"{summary.DamagedVersions:N0} of {summary.VersionsChecked:N0} document versions missing or damaged; " +
                                    $"{summary.OrphanedBlobs:N0} of {summary.BlobsListed:N0} blobs orphaned.");
        if (summary.DamagedVersions > 0)
            await output.WriteLineAsync("Restore the named blobs from a backup of the data directory's blobs folder; the versions' checksums " +
                                        "tell whether a restored blob is the right one (run scrub again).");
        return CustosCommandLine.Failure;
    }

    private static string Line(ScrubFinding f) => f.Problem switch
    {
        ScrubProblem.Orphan => $"ORPHAN      blob {f.BlobAddress} ({ByteSize.Format(f.BlobLength ?? 0)}): {f.Detail}",
        _ => $"{f.Problem.ToString().ToUpperInvariant(),-11} document \"{f.DocumentName}\" ({f.DocumentId}) version {f.Version}, tenant {f.Tenant?.Value}, " +
             $"blob {f.BlobAddress}: {f.Detail}",
    };

    /// <summary>One JSON object, written as the findings come (never collected), the summary at its end.</summary>
    private static async Task<int> RunJsonAsync(DocumentScrub scrub, TextWriter output, CancellationToken ct)
    {
        await output.WriteAsync("{\"findings\":[");
        var first = true;
        var summary = await scrub.RunAsync(async finding =>
        {
            await output.WriteAsync((first ? "\n  " : ",\n  ") + JsonSerializer.Serialize(new
            {
                problem = finding.Problem.ToString().ToLowerInvariant(),
                blob = finding.BlobAddress,
                detail = finding.Detail,
                tenant = finding.Tenant?.Value,
                documentId = finding.DocumentId,
                documentName = finding.DocumentName,
                version = finding.Version,
                blobLength = finding.BlobLength,
            }));
            first = false;
        }, null, ct);
        await output.WriteLineAsync((first ? "" : "\n") + "]," + JsonSerializer.Serialize(new
        {
            intact = summary.IsIntact,
            versionsChecked = summary.VersionsChecked,
            bytesChecked = summary.BytesChecked,
            blobsListed = summary.BlobsListed,
            damagedVersions = summary.DamagedVersions,
            orphanedBlobs = summary.OrphanedBlobs,
        })[1..]);
        return summary.IsIntact ? CustosCommandLine.Success : CustosCommandLine.Failure;
    }
}
