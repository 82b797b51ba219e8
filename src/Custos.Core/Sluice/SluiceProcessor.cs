using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Sluice.Antivirus;
using Custos.Core.Sluice.Disarm;
using Custos.Core.Sluice.Inspection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Sluice;

/// <summary>
/// Runs the checks on one file in quarantine and carries out the verdict: decrypts the original into a private work
/// directory, inspects type, archives and active content, scans it with the virus scanner, disarms what passed, and
/// releases it to its target, blocks it, or hands it to reviewers. A scanner that is down leaves the file in quarantine
/// to be tried again (fail closed); so does a crash (the claim on it runs out).
/// </summary>
public sealed class SluiceProcessor(
    IDbContextFactory<CustosDbContext> dbFactory,
    DocumentContent content,
    DocumentUploads uploads,
    AuditLog audit,
    TimeProvider time,
    SluiceOptions options,
    FileInspector inspector,
    IAntivirus antivirus,
    Disarmer disarmer,
    ILogger<SluiceProcessor> log)
{
    private readonly SemaphoreSlim gate = new(options.Concurrency);

    /// <summary>What processing one file came to: its state, and the documents a release made (as seen by the uploader).</summary>
    public sealed record Outcome(QuarantineState State, IReadOnlyList<DocumentView> Documents);

    /// <summary>Processes the file if it is pending and nobody else holds it; null when there was nothing to do.</summary>
    public async Task<Outcome?> ProcessAsync(Guid id, CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (!await ClaimAsync(id, ct)) return null;
            try
            {
                return await RunAsync(id, approvedBy: null, ct, overrule: false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Anything unexpected: the file stays in quarantine and is tried again later; nothing is released.
                log.LogError(e, "The sluice failed on quarantine item {Id}; it stays in quarantine", id);
                await DeferAsync(id, "sluice.error", CancellationToken.None);
                return new Outcome(QuarantineState.Pending, []);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Releases a reviewed file: the checks run again; a file in review is released unless they now block it, a blocked
    /// file the reviewers overruled is released unless the virus scanner now finds something.
    /// </summary>
    internal async Task<Outcome> ReleaseReviewedAsync(Guid id, string decidedBy, string reviewerActor, bool overrule, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await RunAsync(id, decidedBy, ct, overrule, reviewerActor);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The verdict of a file that is not stored (<c>custos sluice check</c>): the same checks, then everything is deleted.</summary>
    public async Task<CheckReport> CheckOnlyAsync(Stream body, string fileName, IReadOnlyCollection<string> allowedKinds, CancellationToken ct = default) =>
        await CheckOnlyAsync(body, fileName, allowedKinds, null, ct);

    /// <summary>As above; a file that passes is handed to <paramref name="passed"/> (read from the checked copy) before it is deleted.</summary>
    public async Task<CheckReport> CheckOnlyAsync(Stream body, string fileName, IReadOnlyCollection<string> allowedKinds, Func<Stream, CancellationToken, Task>? passed,
        CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        var work = Path.Combine(options.WorkDirectory, "check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var original = Path.Combine(work, "original");
            byte[] sha256;
            long size;
            await using (var file = new FileStream(original, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            await using (var hashing = new HashingCopy(file))
            {
                await body.CopyToAsync(hashing, 1 << 20, ct);
                (sha256, size) = hashing.Finish();
            }
            InspectionReport report;
            await using (var file = File.OpenRead(original))
                report = inspector.Inspect(file, fileName, allowedKinds, work, ct);
            ScanResult scan;
            await using (var file = File.OpenRead(original))
                scan = await antivirus.ScanAsync(file, ct);
            var checks = new List<CheckResult> { report.Checks[0], report.Checks[1], AntivirusCheck(scan), report.Checks[2] };
            var verdict = scan.Outcome == ScanOutcome.Unavailable ? "pending" : SluiceChecks.Worst(checks) switch
            {
                CheckOutcome.Pass => "pass",
                CheckOutcome.Review => "review",
                _ => "block",
            };
            var result = new CheckReport(fileName, size, Convert.ToHexStringLower(sha256), report.Kind.Id, verdict, ReasonOf(checks), scan.Engine, checks);
            if (verdict == "pass" && passed is not null)
            {
                await using var file = File.OpenRead(original);
                await passed(file, ct);
            }
            return result;
        }
        finally
        {
            gate.Release();
            TryDelete(work);
        }
    }

    /// <summary>A verdict without storing: "pass", "review", "block", or "pending" when the scanner could not be asked.</summary>
    public sealed record CheckReport(string FileName, long Size, string Sha256, string Kind, string Verdict, string Reason, string? Engine,
        IReadOnlyList<CheckResult> Checks);

    private async Task<bool> ClaimAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var until = now + options.Lease;
        var claimed = await db.QuarantineItems
            .Where(q => q.Id == id && q.State == QuarantineState.Pending && (q.LeasedUntil == null || q.LeasedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.LeasedUntil, until).SetProperty(q => q.Attempts, q => q.Attempts + 1)
                .SetProperty(q => q.RowVersion, q => q.RowVersion + 1), ct);
        return claimed == 1;
    }

    private async Task<Outcome> RunAsync(Guid id, string? approvedBy, CancellationToken ct, bool overrule, string? reviewerActor = null)
    {
        QuarantineItem item;
        SluicePolicy? policy;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            item = await db.QuarantineItems.AsNoTracking().SingleAsync(q => q.Id == id, ct);
            policy = await db.SluicePolicies.AsNoTracking().SingleOrDefaultAsync(p => p.TenantId == item.TenantId, ct);
        }
        if (item.BlobAddress is null || item.WrappedKey is null) return await BlockAsync(item, [new CheckResult(SluiceChecks.Type, CheckOutcome.Block,
            "sluice.purged", "The original was deleted from quarantine.")], null, ct);

        var work = Path.Combine(options.WorkDirectory, id.ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var original = Path.Combine(work, "original");
            if (!await DecryptAsync(item, original, ct))
                return await BlockAsync(item, [new CheckResult(SluiceChecks.Type, CheckOutcome.Block, "sluice.integrity",
                    "The quarantined original is missing or altered.")], null, ct);

            var allowed = SluicePolicies.AllowedKinds(policy);
            InspectionReport report;
            await using (var file = File.OpenRead(original))
                report = inspector.Inspect(file, item.FileName, allowed, work, ct);
            ScanResult scan;
            await using (var file = File.OpenRead(original))
                scan = await antivirus.ScanAsync(file, ct);
            if (scan.Outcome == ScanOutcome.Unavailable)
            {
                log.LogWarning("The virus scanner is unavailable ({Detail}); quarantine item {Id} waits", scan.Detail, id);
                await DeferAsync(id, "antivirus.unavailable", ct);
                return new Outcome(QuarantineState.Pending, []);
            }
            var checks = new List<CheckResult>(5) { report.Checks[0], report.Checks[1], AntivirusCheck(scan), report.Checks[2] };
            var verdict = SluiceChecks.Worst(checks);
            var virus = scan.Outcome == ScanOutcome.Infected;
            if (verdict == CheckOutcome.Block && !(overrule && !virus)) return await BlockAsync(item, checks, scan.Engine, ct, report.Kind.Id);

            var release = policy?.Release ?? options.DefaultRelease;
            // A new version keeps its document's format: a check-in releases the checked original.
            if (item.Target == SluiceTarget.DocumentVersion) release = SluiceRelease.Original;
            DisarmResult? disarmed = null;
            if (release != SluiceRelease.Original)
            {
                var disarmDir = Path.Combine(work, "disarm");
                Directory.CreateDirectory(disarmDir);
                disarmed = await disarmer.DisarmAsync(original, item.FileName, report.Kind.Id, disarmDir, ct);
                checks.Add(DisarmCheck(disarmed));
                // Overruled by two reviewers, a file that cannot be disarmed goes out as the original they looked at.
                if (disarmed.Status == DisarmStatus.Failed && !overrule) return await BlockAsync(item, checks, scan.Engine, ct, report.Kind.Id);
            }

            if (verdict != CheckOutcome.Pass && approvedBy is null) return await ReviewAsync(item, checks, scan.Engine, report.Kind.Id, ct);

            var files = new List<(string Path, string Name, string? MediaType, string As)>(2);
            var hasCopy = disarmed is { Status: DisarmStatus.Disarmed };
            if (release != SluiceRelease.Disarmed || !hasCopy) files.Add((original, item.FileName, item.DeclaredMediaType, "original"));
            if (hasCopy)
            {
                var name = disarmed!.OutputFileName!;
                // Both under one name would collide: the safe copy says what it is.
                if (release == SluiceRelease.Both && string.Equals(name, item.FileName, StringComparison.OrdinalIgnoreCase))
                    name = $"{Path.GetFileNameWithoutExtension(name)} (disarmed){Path.GetExtension(name)}";
                files.Add((disarmed.OutputPath!, name, disarmed.MediaType, "disarmed"));
            }
            return await ReleaseAsync(item, checks, scan.Engine, report.Kind.Id, files, approvedBy, reviewerActor, ct);
        }
        finally
        {
            TryDelete(work);
        }
    }

    private async Task<bool> DecryptAsync(QuarantineItem item, string path, CancellationToken ct)
    {
        try
        {
            await using var plain = await content.OpenAsync(item.TenantId, item.Id, item.BlobAddress!, item.WrappedKey!, ct);
            if (plain is null) return false;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await plain.CopyToAsync(file, 1 << 20, ct);
            return CryptographicOperations.FixedTimeEquals(plain.PlaintextSha256, item.Sha256);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static CheckResult AntivirusCheck(ScanResult scan) => scan.Outcome switch
    {
        ScanOutcome.Clean => new(SluiceChecks.Antivirus, CheckOutcome.Pass, "antivirus.clean", scan.Detail),
        ScanOutcome.Infected => new(SluiceChecks.Antivirus, CheckOutcome.Block, "antivirus.found", $"{scan.Signature}"),
        _ => new(SluiceChecks.Antivirus, CheckOutcome.Review, "antivirus.limit", scan.Detail),
    };

    private static CheckResult DisarmCheck(DisarmResult d) => d.Status switch
    {
        DisarmStatus.Disarmed => new(SluiceChecks.Disarm, CheckOutcome.Pass, "disarm.done", d.Method),
        DisarmStatus.NotApplicable => new(SluiceChecks.Disarm, CheckOutcome.Pass, "disarm.none", d.Detail),
        _ => new(SluiceChecks.Disarm, CheckOutcome.Block, "disarm.failed", d.Detail),
    };

    /// <summary>
    /// The reason a user is shown: of the checks that blocked (else flagged), the most specific: a virus before active
    /// content before archives before the type ("contains macros" says more than "macro-enabled type not allowed").
    /// </summary>
    private static string ReasonOf(IEnumerable<CheckResult> checks)
    {
        string[] precedence = [SluiceChecks.Antivirus, SluiceChecks.ActiveContent, SluiceChecks.Archive, SluiceChecks.Type, SluiceChecks.Disarm];
        foreach (var outcome in new[] { CheckOutcome.Block, CheckOutcome.Review })
        {
            var hit = checks.Where(c => c.Outcome == outcome).OrderBy(c => Array.IndexOf(precedence, c.Check) is var i && i < 0 ? precedence.Length : i).FirstOrDefault();
            if (hit is not null) return hit.Code;
        }
        return "sluice.clean";
    }

    private async Task<Outcome> BlockAsync(QuarantineItem item, IReadOnlyList<CheckResult> checks, string? engine, CancellationToken ct, string? kind = null)
    {
        await DecideAsync(item, QuarantineState.Blocked, checks, engine, kind, "sluice.blocked", ct);
        return new Outcome(QuarantineState.Blocked, []);
    }

    private async Task<Outcome> ReviewAsync(QuarantineItem item, IReadOnlyList<CheckResult> checks, string? engine, string kind, CancellationToken ct)
    {
        await DecideAsync(item, QuarantineState.Review, checks, engine, kind, "sluice.review", ct);
        return new Outcome(QuarantineState.Review, []);
    }

    private async Task DecideAsync(QuarantineItem item, QuarantineState state, IReadOnlyList<CheckResult> checks, string? engine, string? kind, string action,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.QuarantineItems.SingleAsync(q => q.Id == item.Id, ct);
        var now = time.StoredNow();
        row.State = state;
        row.Checks = SluiceRecord.Write(checks);
        row.Reason = ReasonOf(checks);
        row.Engine = engine;
        row.DetectedKind = kind;
        row.CheckedAt = now;
        row.Waiting = null;
        row.LeasedUntil = null;
        row.NextAttemptAt = null;
        if (state == QuarantineState.Blocked)
        {
            row.DecidedAt = now;
            row.DecidedBy = "sluice";
            row.PurgeAfter = now + await KeepAsync(db, row.TenantId, ct);
        }
        row.RowVersion++;
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, Event(action, row, "sluice", AuditOutcome.Success, ("reason", row.Reason), ("checks", SluiceRecord.Summary(checks)),
            ("engine", engine), ("kind", kind)), ct);
    }

    private async Task<Outcome> ReleaseAsync(QuarantineItem item, IReadOnlyList<CheckResult> checks, string? engine, string kind,
        IReadOnlyList<(string Path, string Name, string? MediaType, string As)> files, string? approvedBy, string? reviewerActor, CancellationToken ct)
    {
        // The documents are the uploader's, added with the rights they hold now, and recorded as their upload by its client.
        var uploader = new DocumentCaller(item.UploadedBy, item.UploadedByName, new Actor(item.UploaderActor, null), item.Source);
        var already = SluiceRecord.Released(item.Released).ToList();
        var views = new List<DocumentView>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var (path, name, mediaType, role) = files[i];
            // A release interrupted between its two documents goes on where it stopped.
            if (already.Any(r => r.As == role)) continue;
            var last = i == files.Count - 1;
            var hook = new DocumentUploads.CommitHook(async (db, document, version) =>
            {
                var row = await db.QuarantineItems.SingleAsync(q => q.Id == item.Id);
                var released = SluiceRecord.Released(row.Released).ToList();
                released.Add(new ReleasedFile(document.Id, version.Number, document.Name, Convert.ToHexStringLower(version.Sha256), role));
                var now = time.StoredNow();
                row.Released = SluiceRecord.Write(released);
                row.DocumentId ??= document.Id;
                row.Checks = SluiceRecord.Write(checks);
                row.Reason = ReasonOf(checks);
                row.Engine = engine;
                row.DetectedKind = kind;
                row.CheckedAt ??= now;
                row.Waiting = null;
                if (last)
                {
                    row.State = QuarantineState.Released;
                    row.DecidedAt = now;
                    row.DecidedBy = approvedBy ?? "sluice";
                    row.LeasedUntil = null;
                    row.PurgeAfter = now + await KeepAsync(db, row.TenantId, CancellationToken.None);
                }
                row.RowVersion++;
                await db.SaveChangesAsync();
                return Event("sluice.release", row, reviewerActor ?? "sluice", AuditOutcome.Success, ("document", document.Id.ToString()),
                    ("version", version.Number.ToString()), ("as", role), ("original_sha256", Convert.ToHexStringLower(row.Sha256)),
                    ("released_sha256", Convert.ToHexStringLower(version.Sha256)), ("checks", SluiceRecord.Summary(checks)), ("engine", engine),
                    ("decided_by", row.DecidedBy ?? approvedBy ?? "sluice"));
            });
            Result<DocumentView> result;
            await using (var stream = File.OpenRead(path))
            {
                // The sluice's own verdict keeps the uploaded name (a name taken meanwhile refuses, as any upload would);
                // reviewers releasing later get "name (2).ext" rather than losing the file.
                result = item.Target != SluiceTarget.NewDocument
                    ? await uploads.CheckInAsync(item.TenantId, item.TargetId, mediaType, item.Comment, stream, uploader, hook, ct)
                    : approvedBy is null
                        ? await uploads.CreateAsync(item.TenantId, item.TargetId, name, mediaType, item.Comment, stream, uploader, hook, ct)
                        : await CreateUniqueAsync(item, name, mediaType, stream, uploader, hook, ct);
            }
            if (!result.Succeeded)
            {
                // The target is gone, the uploader lost the right, or the lock was broken: nothing is released.
                // The target's own refusal (its code first) answers the upload as a direct upload would have been answered.
                var refused = new List<CheckResult>(checks)
                    { new(SluiceChecks.Disarm, CheckOutcome.Block, "sluice.target", $"{result.Error!.Code}: {result.Error.Message}") };
                return await BlockAsync(item, refused, engine, ct, kind);
            }
            views.Add(result.Value!);
        }
        return new Outcome(QuarantineState.Released, views);
    }

    /// <summary>A new document under the uploaded name, or "name (2).ext" … if a document of that name came first.</summary>
    private async Task<Result<DocumentView>> CreateUniqueAsync(QuarantineItem item, string name, string? mediaType, Stream stream, DocumentCaller uploader,
        DocumentUploads.CommitHook hook, CancellationToken ct)
    {
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? name : $"{Path.GetFileNameWithoutExtension(name)} ({n}){Path.GetExtension(name)}";
            stream.Position = 0;
            var result = await uploads.CreateAsync(item.TenantId, item.TargetId, candidate, mediaType, item.Comment, stream, uploader, hook, ct);
            if (result.Succeeded || result.Error != DocumentErrors.NameTaken || n == 20) return result;
        }
    }

    private async Task<TimeSpan> KeepAsync(CustosDbContext db, TenantId tenant, CancellationToken ct)
    {
        var days = await db.SluicePolicies.Where(p => p.TenantId == tenant).Select(p => (int?)p.KeepOriginalDays).SingleOrDefaultAsync(ct);
        return TimeSpan.FromDays(days ?? 14);
    }

    private async Task DeferAsync(Guid id, string waiting, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var next = time.StoredNow() + options.RetryDelay;
        await db.QuarantineItems.Where(q => q.Id == id && q.State == QuarantineState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Waiting, waiting).SetProperty(q => q.NextAttemptAt, next)
                .SetProperty(q => q.LeasedUntil, (DateTimeOffset?)null).SetProperty(q => q.RowVersion, q => q.RowVersion + 1), ct);
    }

    internal static AuditEntry Event(string action, QuarantineItem item, string actor, AuditOutcome outcome, params (string Key, string? Value)[] details)
    {
        var all = new Dictionary<string, string?>
        {
            ["name"] = item.FileName, ["sha256"] = Convert.ToHexStringLower(item.Sha256), ["size"] = item.Size.ToString(), ["uploader"] = item.UploadedByName,
        };
        foreach (var (k, v) in details) all[k] = v;
        return new AuditEntry(actor, action, outcome, item.TenantId, $"quarantine:{item.Id}", null, all);
    }

    private void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Could not remove the sluice work directory {Directory}: {Message}", directory, e.Message);
        }
    }
}
