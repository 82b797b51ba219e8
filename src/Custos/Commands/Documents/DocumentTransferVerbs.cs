using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;

namespace Custos.Commands.Documents;

/// <summary>
/// put, checkin, get: content streamed in both directions (never held whole, whatever the file's size), with a progress
/// bar on a terminal, and checked end to end by SHA-256: an upload against the checksum the server recorded, a download
/// against the one the server sends, before the file gets its name.
/// </summary>
internal static class DocumentTransferVerbs
{
    private const int BufferSize = 256 * 1024;

    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Put(verbs);
        yield return CheckIn(verbs);
        yield return Get(verbs);
    }

    private static Option<string?> Comment() => new("--comment") { Description = "What this version is (at most 1,000 characters)." };

    private static Command Put(DocumentVerbs verbs)
    {
        var file = new Argument<string>("file") { Description = "The file to upload." };
        var folder = new Option<string>("--folder") { Description = "The folder it goes to: Folder/Sub or id.", Required = true };
        var name = new Option<string?>("--name") { Description = "The document's name (default: the file's name)." };
        var comment = Comment();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("put", "Upload a file as a new document (version 1) into a folder (needs Write).", [file, folder, name, comment, json],
            async (call, ct) =>
        {
            var path = call.Get(file)!;
            await using var source = LocalFiles.OpenRead(path);
            var documents = await call.DocumentsAsync(ct);
            var target = await documents.FolderAsync(call.Get(folder)!, ct);
            var documentName = call.Get(name) ?? Path.GetFileName(source.Name);
            var query = $"?folder={target.Id}" + (call.Get(comment) is { } c ? $"&comment={Uri.EscapeDataString(c)}" : "");
            var (upload, sha256) = await UploadAsync(call, documents.Api + query, source, documentName, LocalFiles.MediaTypeOf(documentName, path), ct);
            return await ReportAsync(call, documents, upload, sha256, call.Get(json), $"Uploaded {documentName} to {await documents.PathOfAsync(target.Id, ct)}", ct);
        });
    }

    private static Command CheckIn(DocumentVerbs verbs)
    {
        var doc = DocumentBrowseVerbs.Document();
        var file = new Argument<string>("file") { Description = "The file with the new content." };
        var comment = Comment();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("checkin", "Upload a new version of a document you have checked out, and release the check-out.", [doc, file, comment, json],
            async (call, ct) =>
        {
            var path = call.Get(file)!;
            await using var source = LocalFiles.OpenRead(path);
            var documents = await call.DocumentsAsync(ct);
            var current = await documents.FindDocumentAsync(call.Get(doc)!, ct);
            var query = call.Get(comment) is { } c ? $"?comment={Uri.EscapeDataString(c)}" : "";
            var mediaType = LocalFiles.MediaTypeOf(path, current.Name) is var t && t != "application/octet-stream" ? t : current.MediaType;
            var (upload, sha256) = await UploadAsync(call, $"{documents.Api}/{current.Id}/versions{query}", source, null, mediaType, ct);
            return await ReportAsync(call, documents, upload, sha256, call.Get(json), $"Checked in {current.Name} ({current.Id})", ct);
        });
    }

    /// <summary>
    /// What became of an upload: released (checked end to end: the sluice received exactly what was sent, and a released
    /// original is stored with that checksum; a disarmed copy has its own), or waiting in quarantine.
    /// </summary>
    private static async Task<int> ReportAsync(DocumentCall call, DocumentTenant documents, SluiceUpload upload, byte[] sent, bool json, string what,
        CancellationToken ct)
    {
        var sentHex = Convert.ToHexStringLower(sent);
        var sluice = documents.Api[..documents.Api.LastIndexOf('/')] + "/sluice";
        if (upload.Item is { } waiting)
        {
            if (!string.Equals(waiting.Sha256, sentHex, StringComparison.OrdinalIgnoreCase))
                throw new CommandException($"The sluice received {waiting.FileName} with SHA-256 {waiting.Sha256}, but what was sent has {sentHex}.");
            if (json) return await call.PrintJsonAsync(waiting);
            var why = waiting.Waiting is "antivirus.unavailable" ? " The virus scanner cannot be reached; the file is checked as soon as it is back."
                : waiting.State == "Review" ? $" A reviewer must decide ({waiting.Reason})." : " The checks are still running.";
            return await call.PrintAsync($"{what}: the file is in the sluice's quarantine ({waiting.Id}, {waiting.State.ToLowerInvariant()}).{why} " +
                                         $"Follow it with: custos sluice show {waiting.Id}");
        }
        var created = upload.Document!;
        var item = upload.QuarantineId is { } id ? await call.Client.GetAsync<SluiceItem>($"{sluice}/{id}", ct) : null;
        if (item is not null && !string.Equals(item.Sha256, sentHex, StringComparison.OrdinalIgnoreCase))
            throw new CommandException($"The sluice received {item.FileName} with SHA-256 {item.Sha256}, but what was sent has {sentHex}.");
        var disarmed = item?.Released.FirstOrDefault(r => r.DocumentId == created.Id)?.As == "disarmed";
        var stored = disarmed ? await documents.DocumentAsync(created.Id, ct) : await VerifiedAsync(call, documents, created, sent, ct);
        if (json) return await call.PrintJsonAsync(stored);
        var version = stored.Versions!.Single(v => v.Number == stored.CurrentVersion);
        var copy = disarmed ? $" as a disarmed copy ({item!.Checks.LastOrDefault(c => c.Check == "disarm")?.Detail})" : "";
        return await call.PrintAsync($"{what}{copy}: {stored.Name} ({stored.Id}) version {version.Number}, {ByteSize.Format(version.Size)}, " +
                                     $"SHA-256 {version.Sha256}.");
    }

    private static Command Get(DocumentVerbs verbs)
    {
        var doc = DocumentBrowseVerbs.Document();
        var version = new Option<int?>("--version") { Description = "Which version (default: the current one)." };
        version.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--version is a version number, 1 or more.");
        });
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The file to write (or a directory to write into; default: the document's name in the current directory). " +
                          "Readable by you only.",
        };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("get", "Download a version of a document (needs Read). The file gets its name only after its SHA-256 matched the " +
                                 "server's; otherwise nothing is kept and the command fails.", [doc, version, output, force, json],
            async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var found = await documents.FindDocumentAsync(call.Get(doc)!, ct);
            // Checked before the download: a taken name should cost no transfer (and no recorded download).
            var target = LocalFiles.Target(call.Get(output), found.Name, found.Id, call.Get(force));
            var number = call.Get(version);
            using var response = await call.Client.DownloadAsync(
                $"{documents.Api}/{found.Id}/content" + (number is { } n ? $"?version={n.ToString(CultureInfo.InvariantCulture)}" : ""), ct);
            var expected = ReprDigestSha256(response) ?? throw new CommandException(
                "The server sent no SHA-256 (Repr-Digest) with the content, so what arrives cannot be checked. Nothing was saved.");
            var received = response.Headers.TryGetValues("X-Custos-Version", out var values) && int.TryParse(values.FirstOrDefault(), out var v)
                ? v : number ?? found.CurrentVersion;
            var length = response.Content.Headers.ContentLength;
            var (size, sha256) = await SaveAsync(call, response, target, found.Name, expected, length, call.Get(force), ct);
            if (call.Get(json))
                return await call.PrintJsonAsync(new { found.Id, found.Name, Version = received, Size = size, Sha256 = Convert.ToHexStringLower(sha256), Path = target });
            return await call.PrintAsync($"Saved {found.Name} version {received} ({ByteSize.Format(size)}, SHA-256 {Convert.ToHexStringLower(sha256)}) " +
                                         $"to {target}.");
        });
    }

    /// <summary>Streams the file up with a progress bar; returns the server's answer and the SHA-256 of what was sent.</summary>
    private static async Task<(SluiceUpload Upload, byte[] Sha256)> UploadAsync(DocumentCall call, string path, FileStream source, string? fileName,
        string mediaType, CancellationToken ct)
    {
        long length;
        try
        {
            length = source.Length;
        }
        catch (IOException e)
        {
            throw new CommandException($"Cannot read '{source.Name}': {e.Message}");
        }
        using var progress = ProgressBar.Bytes(call.Error, fileName ?? Path.GetFileName(source.Name), length);
        // The content owns the hashing stream and disposes it (and the file) when sent; the checksum is kept.
        var hashing = new HashingReadStream(source, progress);
        var created = await call.Client.UploadToSluiceAsync(path, hashing, length, fileName, mediaType, ct);
        progress.Complete();
        if (hashing.BytesRead != length)
            throw new CommandException($"'{source.Name}' changed while it was uploaded ({hashing.BytesRead:N0} bytes read, {length:N0} expected).");
        return (created, hashing.Sha256);
    }

    /// <summary>
    /// End to end: the version the server recorded must have the checksum and size of what left this machine. A mismatch
    /// (a proxy that rewrites bodies, a disk that lies) fails the command; the version stays, for the operator to look at.
    /// </summary>
    private static async Task<DocInfo> VerifiedAsync(DocumentCall call, DocumentTenant documents, DocInfo created, byte[] sent, CancellationToken ct)
    {
        var stored = await documents.DocumentAsync(created.Id, ct);
        var version = stored.Versions?.SingleOrDefault(v => v.Number == created.CurrentVersion)
                      ?? throw new CommandException($"The server does not list version {created.CurrentVersion} of {created.Name} after storing it.");
        var sentHex = Convert.ToHexStringLower(sent);
        if (!string.Equals(version.Sha256, sentHex, StringComparison.OrdinalIgnoreCase))
            throw new CommandException($"The server stored version {version.Number} of {stored.Name} with SHA-256 {version.Sha256}, but what was sent " +
                                       $"has {sentHex}. Check the document's versions and upload again.");
        return stored;
    }

    /// <summary>
    /// Writes the body into a temporary file beside <paramref name="target"/>, hashing it on the way, and renames it only when
    /// it is complete and its SHA-256 is the server's. A broken transfer or a wrong checksum leaves nothing behind.
    /// </summary>
    private static async Task<(long Size, byte[] Sha256)> SaveAsync(DocumentCall call, HttpResponseMessage response, string target, string name,
        byte[] expected, long? length, bool overwrite, CancellationToken ct)
    {
        var (temporary, file) = LocalFiles.CreateTemporary(target);
        var kept = false;
        try
        {
            using var progress = ProgressBar.Bytes(call.Error, name, length);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[BufferSize];
            long received = 0;
            await using (file)
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer, ct);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        // The server breaks off a download whose stored content fails its check (and records an integrity alarm).
                        throw new CommandException($"The download of {name} broke off after {received:N0}" +
                                                   (length is { } l ? $" of {l:N0}" : "") + " bytes: the stored content is damaged (the server's audit log " +
                                                   "records an integrity alarm) or the connection failed. Nothing was saved.");
                    }
                    if (read == 0) break;
                    hash.AppendData(buffer, 0, read);
                    await WriteAsync(file, buffer.AsMemory(0, read), target, ct);
                    received += read;
                    progress.Report(received);
                }
                Flush(file, target);
                progress.Complete();
            }
            var sha256 = hash.GetHashAndReset();
            if (length is { } total && received != total)
                throw new CommandException($"The download of {name} ended after {received:N0} of {total:N0} bytes. Nothing was saved.");
            if (!CryptographicOperations.FixedTimeEquals(sha256, expected))
                throw new CommandException($"The SHA-256 of what arrived ({Convert.ToHexStringLower(sha256)}) is not the server's " +
                                           $"({Convert.ToHexStringLower(expected)}): the download of {name} is damaged. Nothing was saved.");
            try
            {
                File.Move(temporary, target, overwrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandException(File.Exists(target) && !overwrite
                    ? $"'{target}' appeared while the download ran; nothing was replaced (pass --force to replace it)."
                    : $"Cannot write '{target}': {e.Message}");
            }
            kept = true;
            return (received, sha256);
        }
        finally
        {
            if (!kept) LocalFiles.TryDelete(temporary);
        }
    }

    private static async Task WriteAsync(FileStream file, ReadOnlyMemory<byte> data, string target, CancellationToken ct)
    {
        try
        {
            await file.WriteAsync(data, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot write '{target}': {e.Message}. Nothing was saved.");
        }
    }

    /// <summary>On the disk before the rename: after a crash the name holds the whole, checked file or the old one, never a part.</summary>
    private static void Flush(FileStream file, string target)
    {
        try
        {
            file.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            throw new CommandException($"Cannot write '{target}': {e.Message}. Nothing was saved.");
        }
    }

    /// <summary>The sha-256 member of an RFC 9530 Repr-Digest header ("sha-256=:BASE64:"), or null.</summary>
    private static byte[]? ReprDigestSha256(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Repr-Digest", out var values)) return null;
        foreach (var member in values.SelectMany(v => v.Split(',')))
        {
            var item = member.Trim();
            var equals = item.IndexOf('=');
            if (equals < 0 || !string.Equals(item[..equals].Trim(), "sha-256", StringComparison.OrdinalIgnoreCase)) continue;
            var value = item[(equals + 1)..].Trim();
            if (value.Length < 2 || value[0] != ':' || value[^1] != ':') return null;
            var bytes = new byte[32];
            return Convert.TryFromBase64String(value[1..^1], bytes, out var written) && written == 32 ? bytes : null;
        }
        return null;
    }
}
