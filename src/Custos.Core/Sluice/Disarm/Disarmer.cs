using System.Globalization;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// Content disarm and reconstruction, the last step of the sluice: a file that passed the checks is turned into a
/// portable copy without scripts or embedded fonts. Documents are rendered to pixels and rebuilt as a PDF of page
/// images (the Dangerzone approach), images are re-encoded without metadata, text becomes plain UTF-8.
/// </summary>
public sealed class Disarmer
{
    private const string Unconverted = "none";

    private static readonly HashSet<string> OfficeKinds = new(StringComparer.Ordinal)
    {
        "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt", "rtf",
    };

    private readonly DisarmOptions options;
    private readonly ToolVersions versions;
    private readonly PdfRasterizer rasterizer;
    private readonly OfficeConverter office;
    private readonly ImageReencoder images;

    public Disarmer(DisarmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Dpi, 36, nameof(options.Dpi));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Dpi, 1200, nameof(options.Dpi));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPages, 1, nameof(options.MaxPages));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxImagePixels, 1, nameof(options.MaxImagePixels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxImagePixels, 1L << 40, nameof(options.MaxImagePixels));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options.Timeout));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Ghostscript, nameof(options.Ghostscript));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Soffice, nameof(options.Soffice));
        this.options = options;
        versions = new ToolVersions(options);
        rasterizer = new PdfRasterizer(options, versions);
        office = new OfficeConverter(options, versions);
        images = new ImageReencoder(options);
    }

    /// <summary>
    /// Disarms one checked file. <paramref name="fileName"/> is the uploader's name and only shapes the released name;
    /// <paramref name="kindId"/> is the inspector's verdict on the content. Everything is written inside
    /// <paramref name="workDirectory"/>. Bad input, a missing converter and the <see cref="DisarmOptions.Timeout"/> give
    /// <see cref="DisarmStatus.Failed"/>; only the caller's own cancellation throws.
    /// </summary>
    public async Task<DisarmResult> DisarmAsync(string inputPath, string fileName, string kindId, string workDirectory,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        ct.ThrowIfCancellationRequested();
        var kind = (kindId ?? "").ToLowerInvariant();

        if (kind is "html" or "svg")
        {
            return new DisarmResult(DisarmStatus.NotApplicable, null, null, null, Unconverted,
                $"{kind} is released as checked: the active-content check looked for scripts; "
                + "no conversion keeps it usable as " + kind);
        }
        var isOffice = OfficeKinds.Contains(kind);
        if (kind != "pdf" && !isOffice && !ImageReencoder.Handles(kind) && !TextNormalizer.Handles(kind))
        {
            return new DisarmResult(DisarmStatus.NotApplicable, null, null, null, Unconverted,
                $"no disarm for kind '{Printable(kind)}': the checked original is what can be released");
        }

        var work = Path.GetFullPath(workDirectory);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Timeout);
        DisarmResult? result = null;
        try
        {
            Directory.CreateDirectory(work);
            if (!File.Exists(inputPath)) return result = Failed(MethodFor(kind), "the input file does not exist");
            result = kind == "pdf" ? await DisarmPdfAsync(inputPath, fileName, work, deadline.Token)
                : isOffice ? await DisarmOfficeAsync(inputPath, fileName, kind, work, deadline.Token)
                : ImageReencoder.Handles(kind) ? await DisarmImageAsync(inputPath, fileName, kind, work, deadline.Token)
                : await DisarmTextAsync(inputPath, fileName, kind, work, deadline.Token);
            return result;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(MethodFor(kind), $"timed out after {Describe(options.Timeout)}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A decoder or converter fault on hostile input: the file is not released as disarmed.
            return Failed(MethodFor(kind), $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (isOffice) OfficeConverter.CleanUp(work);
            // No half-written output that someone could mistake for the disarmed file.
            if (result?.Status != DisarmStatus.Disarmed) RemoveOutputs(work);
        }
    }

    /// <summary>The converters' versions for records, e.g. "Ghostscript 10.00.0; LibreOffice 7.4.7.2; ImageSharp 2.1.13";
    /// null when neither Ghostscript nor LibreOffice can be started.</summary>
    public async Task<string?> VersionsAsync(CancellationToken ct = default)
    {
        var temp = Directory.CreateTempSubdirectory("custos-disarm-");
        try
        {
            var gs = await versions.GhostscriptAsync(temp.FullName, ct);
            var lo = await versions.LibreOfficeAsync(temp.FullName, ct);
            if (gs is null && lo is null) return null;
            return string.Join("; ",
                gs is null ? rasterizer.NotInstalled : "Ghostscript " + gs,
                lo is null ? office.NotInstalled : "LibreOffice " + lo,
                ImageReencoder.Library);
        }
        finally
        {
            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<DisarmResult> DisarmPdfAsync(string inputPath, string fileName, string work, CancellationToken ct)
    {
        var output = Path.Combine(work, "disarmed.pdf");
        var (failure, pages) = await rasterizer.RasterizeAsync(inputPath, output, work, ct);
        var method = MethodFor("pdf");
        return failure is not null
            ? Failed(method, failure)
            : new DisarmResult(DisarmStatus.Disarmed, output, OutputName.For(fileName, ".pdf"), "application/pdf", method,
                PdfDetail(pages));
    }

    private async Task<DisarmResult> DisarmOfficeAsync(string inputPath, string fileName, string kind, string work,
        CancellationToken ct)
    {
        var output = Path.Combine(work, "disarmed.pdf");
        var (pdf, failure) = await office.ConvertAsync(inputPath, kind, work, ct);
        var pages = 0;
        if (pdf is not null) (failure, pages) = await rasterizer.RasterizeAsync(pdf, output, work, ct);
        var method = MethodFor(kind);
        return failure is not null
            ? Failed(method, failure)
            : new DisarmResult(DisarmStatus.Disarmed, output, OutputName.For(fileName, ".pdf"), "application/pdf", method,
                $"converted to PDF, then {PdfDetail(pages)}");
    }

    private async Task<DisarmResult> DisarmImageAsync(string inputPath, string fileName, string kind, string work,
        CancellationToken ct)
    {
        var extension = ImageReencoder.ExtensionFor(kind);
        var output = Path.Combine(work, "disarmed" + extension);
        // Decoding is CPU work without await points; it must not hold the caller's thread.
        var (failure, mediaType, detail) = await Task.Run(() => images.Reencode(inputPath, output, kind, ct), ct);
        var method = ImageReencoder.Method(kind);
        return failure is not null
            ? Failed(method, failure)
            : new DisarmResult(DisarmStatus.Disarmed, output, OutputName.For(fileName, extension), mediaType, method, detail);
    }

    private static async Task<DisarmResult> DisarmTextAsync(string inputPath, string fileName, string kind, string work,
        CancellationToken ct)
    {
        var extension = TextNormalizer.ExtensionFor(kind);
        var output = Path.Combine(work, "disarmed" + extension);
        var detail = await TextNormalizer.NormalizeAsync(inputPath, output, kind, ct);
        return new DisarmResult(DisarmStatus.Disarmed, output, OutputName.For(fileName, extension),
            TextNormalizer.MediaTypeFor(kind), "text to UTF-8", detail);
    }

    private string PdfDetail(int pages) =>
        $"{pages} page{(pages == 1 ? "" : "s")} rendered to images at {options.Dpi} dpi; "
        + "text, fonts, scripts, links, forms and attachments are not carried over";

    private string MethodFor(string kind)
    {
        if (kind == "pdf") return rasterizer.Method(versions.Ghostscript);
        if (OfficeKinds.Contains(kind))
        {
            return $"LibreOffice {versions.LibreOffice ?? "(version unknown)"} to PDF, then {rasterizer.Method(versions.Ghostscript)}";
        }
        if (ImageReencoder.Handles(kind)) return ImageReencoder.Method(kind);
        return "text to UTF-8";
    }

    private static DisarmResult Failed(string method, string detail) =>
        new(DisarmStatus.Failed, null, null, null, method, detail);

    private static void RemoveOutputs(string work)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(work, "disarmed.*")) File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Describe(TimeSpan timeout) => timeout < TimeSpan.FromSeconds(1)
        ? $"{timeout.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms"
        : $"{timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    private static string Printable(string kind) =>
        kind.Length <= 40 && kind.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.') ? kind : "?";
}
