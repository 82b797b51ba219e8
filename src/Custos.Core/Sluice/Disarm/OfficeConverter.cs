namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// Office documents become a PDF in headless LibreOffice (own profile per run), which then goes through the same
/// Ghostscript rasterisation as any PDF: LibreOffice's PDF is an intermediate, never the released file.
/// </summary>
internal sealed class OfficeConverter(DisarmOptions options, ToolVersions versions)
{
    /// <summary>Converts to <c>lo-out/input.pdf</c> under <paramref name="workDirectory"/>; returns its path or a failure's detail.</summary>
    public async Task<(string? PdfPath, string? Failure)> ConvertAsync(string inputPath, string kindId, string workDirectory,
        CancellationToken ct)
    {
        if (await versions.LibreOfficeAsync(workDirectory, ct) is null) return (null, NotInstalled);

        var profile = LibreOfficeProfile.Create(Path.Combine(workDirectory, "lo-profile"));
        var inbox = Directory.CreateDirectory(Path.Combine(workDirectory, "lo-in")).FullName;
        var outbox = Directory.CreateDirectory(Path.Combine(workDirectory, "lo-out")).FullName;

        // LibreOffice chooses its import filter partly by extension, and names its output after the input: the
        // document goes in under a fixed name with the extension of the detected kind, never the uploader's name.
        var staged = Path.Combine(inbox, "input." + kindId);
        Stage(inputPath, staged);

        var run = await ExternalProgram.RunAsync(options.Soffice,
        [
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "-env:UserInstallation=" + profile,
            "--convert-to", "pdf", "--outdir", outbox, staged,
        ], workDirectory, ct);
        if (!run.Found) return (null, NotInstalled);

        // soffice exits 0 even when it could not load the document, so the output file is what counts.
        var pdf = Path.Combine(outbox, "input.pdf");
        if (!File.Exists(pdf) || new FileInfo(pdf).Length == 0)
        {
            return (null, $"LibreOffice produced no PDF (exit code {run.ExitCode}): {run.Complaint()}");
        }
        return (pdf, null);
    }

    public string NotInstalled => $"LibreOffice ({options.Soffice}) is not installed";

    /// <summary>Removes the profile and the intermediate files, which hold the document's plaintext, and what
    /// LibreOffice left in HOME (the work directory).</summary>
    public static void CleanUp(string workDirectory)
    {
        foreach (var name in new[] { "lo-profile", "lo-in", "lo-out", ".cache", ".config" })
        {
            try
            {
                var dir = Path.Combine(workDirectory, name);
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // The caller removes the work directory anyway.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static void Stage(string inputPath, string staged)
    {
        try
        {
            // A link avoids copying a large document; LibreOffice opens it read-only.
            File.CreateSymbolicLink(staged, Path.GetFullPath(inputPath));
        }
        catch (IOException)
        {
            File.Copy(inputPath, staged, overwrite: true);
        }
        catch (UnauthorizedAccessException)
        {
            File.Copy(inputPath, staged, overwrite: true);
        }
    }
}
