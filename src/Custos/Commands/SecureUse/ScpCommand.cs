using System.CommandLine;
using Custos.Commands.Vault;

namespace Custos.Commands.SecureUse;

/// <summary>
/// `custos scp ENTRY:PATH LOCAL` and `custos scp LOCAL ENTRY:PATH`: copies a file from or to an SSH entry's target
/// through the server, which logs in with the entry's credential (Use is enough; the secret never reaches this machine).
/// A download goes to a temporary file beside LOCAL and is renamed when complete.
/// </summary>
public static class ScpCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new VaultConnection();
        var verbs = new VaultVerbs(connection, output, error);
        var source = new Argument<string>("source") { Description = "ENTRY:PATH on the target (ENTRY is Folder/Title or its id), or a local file." };
        var destination = new Argument<string>("destination") { Description = "A local file or directory, or ENTRY:PATH on the target." };
        var reason = new Option<string?>("--reason") { Description = "Why, e.g. a ticket number; recorded, and required where the folder's policy says so." };
        var command = verbs.Verb("scp", "Copy a file from or to an SSH entry's server with the entry's credential, without seeing it " +
            "(custos scp Server/web01:/var/log/syslog . ; custos scp report.pdf Server/web01:/tmp/report.pdf).", [source, destination, reason], async (call, ct) =>
        {
            var (from, to) = (call.Get(source)!, call.Get(destination)!);
            var (remoteFrom, remoteTo) = (Remote(from), Remote(to));
            if ((remoteFrom is null) == (remoteTo is null))
                throw new VaultUsageException("One side is ENTRY:PATH on the target and the other a local file, e.g. custos scp Server/web01:/etc/hosts hosts.txt");
            var vault = await call.VaultAsync(ct);
            var why = call.Get(reason) is { } r ? $"&reason={Uri.EscapeDataString(r)}" : "";
            if (remoteFrom is { } down)
            {
                var id = await vault.EntryIdAsync(down.Entry, ct);
                var local = Directory.Exists(to) ? Path.Combine(to, Path.GetFileName(down.Path.TrimEnd('/'))) : to;
                var partial = $"{local}.custos-{Guid.NewGuid():N}.part";
                long bytes;
                try
                {
                    await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                        bytes = await call.Client.DownloadToAsync($"{vault.Api}/entries/{id}/ssh/files?path={Uri.EscapeDataString(down.Path)}{why}", file, ct);
                    File.Move(partial, local, overwrite: true);
                }
                finally
                {
                    File.Delete(partial);
                }
                await call.Error.WriteLineAsync($"{down.Path} → {local}: {bytes:N0} bytes");
                return CustosCommandLine.Success;
            }
            var up = remoteTo!.Value;
            if (!File.Exists(from)) throw new VaultUsageException($"There is no file '{from}'.");
            var target = up.Path.EndsWith('/') ? up.Path + Path.GetFileName(from) : up.Path;
            var upId = await vault.EntryIdAsync(up.Entry, ct);
            await using var content = File.OpenRead(from);
            using var body = new StreamContent(content, 64 * 1024);
            var result = await call.Client.SendAsync<UploadReply>(HttpMethod.Put, $"{vault.Api}/entries/{upId}/ssh/files?path={Uri.EscapeDataString(target)}{why}", body, ct);
            await call.Error.WriteLineAsync($"{from} → {target}: {result.Bytes:N0} bytes");
            return CustosCommandLine.Success;
        });
        connection.AddTo(command);
        return command;
    }

    private sealed record UploadReply(string? Path, long Bytes);

    /// <summary>ENTRY:PATH, split at the first colon; null for a local path (no colon, or a leading ./ or /).</summary>
    private static (string Entry, string Path)? Remote(string text)
    {
        if (text.StartsWith('/') || text.StartsWith("./", StringComparison.Ordinal)) return null;
        var colon = text.IndexOf(':');
        return colon > 0 && colon < text.Length - 1 ? (text[..colon], text[(colon + 1)..]) : null;
    }
}
