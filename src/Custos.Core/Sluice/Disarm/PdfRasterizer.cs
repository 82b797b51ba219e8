using System.Globalization;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// The Dangerzone step: Ghostscript renders every page to pixels and writes a PDF of page images only, so no font,
/// script, action, link, form or attachment of the original can survive.
/// </summary>
internal sealed class PdfRasterizer(DisarmOptions options, ToolVersions versions)
{
    public const string Device = "pdfimage24";

    /// <summary>Rasterises <paramref name="pdfPath"/> into <paramref name="outputPath"/>; returns a failure's detail, or null.</summary>
    public async Task<(string? Failure, int Pages)> RasterizeAsync(string pdfPath, string outputPath, string workDirectory,
        CancellationToken ct)
    {
        if (!await StartsAsPdfAsync(pdfPath, ct))
        {
            // Ghostscript runs anything else as a PostScript program.
            return ("the file has no %PDF- header in its first 1024 bytes", 0);
        }
        if (await versions.GhostscriptAsync(workDirectory, ct) is null) return (NotInstalled, 0);

        var survey = new PdfPageSurvey();
        var info = await ExternalProgram.RunAsync(options.Ghostscript,
            [.. SafeArguments, "-dNODISPLAY", "-dPDFINFO", "-f", pdfPath], workDirectory, ct, survey.Read);
        if (!info.Found) return (NotInstalled, 0);
        if (info.ExitCode != 0 || survey.PageCount is null)
        {
            return ($"Ghostscript could not read the PDF (exit code {info.ExitCode}): {info.Complaint()}", 0);
        }
        var pages = survey.PageCount.Value;
        if (pages == 0) return ($"the PDF has no pages: {info.Complaint()}", 0);
        if (pages > options.MaxPages) return ($"the PDF has {pages:N0} pages, more than the limit of {options.MaxPages:N0}", 0);
        var pixels = survey.LargestPagePixels(options.Dpi);
        if (pixels > options.MaxImagePixels)
        {
            return ($"page {survey.LargestPage} would be {pixels:N0} pixels at {options.Dpi} dpi, "
                + $"more than the limit of {options.MaxImagePixels:N0}", 0);
        }

        var render = await ExternalProgram.RunAsync(options.Ghostscript,
        [
            .. SafeArguments, $"-sDEVICE={Device}", $"-r{options.Dpi.ToString(CultureInfo.InvariantCulture)}",
            "-dFirstPage=1", $"-dLastPage={pages.ToString(CultureInfo.InvariantCulture)}",
            // Ghostscript expands %d in output names into page numbers.
            "-sOutputFile=" + outputPath.Replace("%", "%%", StringComparison.Ordinal),
            "-f", pdfPath,
        ], workDirectory, ct);
        if (!render.Found) return (NotInstalled, 0);
        if (render.ExitCode != 0) return ($"Ghostscript failed (exit code {render.ExitCode}): {render.Complaint()}", 0);
        if (!File.Exists(outputPath)) return ($"Ghostscript wrote no output: {render.Complaint()}", 0);

        var (written, problem) = RasterPdfCheck.Inspect(outputPath);
        if (problem is not null) return ($"the rasterised PDF failed its check: {problem}", 0);
        if (written != pages) return ($"Ghostscript wrote {written} of {pages} pages: {render.Complaint()}", 0);
        return (null, pages);
    }

    public string NotInstalled => $"Ghostscript ({options.Ghostscript}) is not installed";

    public string Method(string? version) =>
        $"Ghostscript {version ?? "(version unknown)"} {Device} {options.Dpi.ToString(CultureInfo.InvariantCulture)} dpi";

    // -dSAFER is Ghostscript's file-access sandbox (the default since 9.50, named so it never depends on a default).
    // -dPARANOIDSAFER no longer exists: Ghostscript 10 does not know it, and SAFER already denies all file access
    // beyond the named input and output.
    private static readonly string[] SafeArguments = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOPROMPT"];

    private static async Task<bool> StartsAsPdfAsync(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        var head = new byte[1024];
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        return head.AsSpan(0, read).IndexOf("%PDF-"u8) >= 0;
    }
}
