using System.Text.RegularExpressions;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// The converters' versions for release records, asked once per <see cref="Disarmer"/> and kept; a program that is
/// missing is asked again next time, so installing it needs no restart.
/// </summary>
internal sealed partial class ToolVersions(DisarmOptions options)
{
    private string? ghostscript;
    private string? libreOffice;

    /// <summary>What Ghostscript said last time, or null before it was found.</summary>
    public string? Ghostscript => ghostscript;

    public string? LibreOffice => libreOffice;

    /// <summary>"10.00.0", or null when Ghostscript cannot be started.</summary>
    public async Task<string?> GhostscriptAsync(string workDirectory, CancellationToken ct)
    {
        if (ghostscript is not null) return ghostscript;
        var run = await ExternalProgram.RunAsync(options.Ghostscript, ["--version"], workDirectory, ct);
        if (!run.Found) return null;
        var version = run.ExitCode == 0 ? run.OutputTail.FirstOrDefault()?.Trim() : null;
        return ghostscript = version is { Length: > 0 and <= 40 } ? version : "(version unknown)";
    }

    /// <summary>"7.4.7.2", or null when LibreOffice cannot be started.</summary>
    public async Task<string?> LibreOfficeAsync(string workDirectory, CancellationToken ct)
    {
        if (libreOffice is not null) return libreOffice;
        var run = await ExternalProgram.RunAsync(options.Soffice, ["--version"], workDirectory, ct);
        if (!run.Found) return null;
        var match = run.OutputTail.Select(l => LibreOfficeVersion().Match(l)).FirstOrDefault(m => m.Success);
        return libreOffice = match?.Groups[1].Value ?? "(version unknown)";
    }

    [GeneratedRegex(@"^LibreOffice ([0-9][0-9.]{0,30})")]
    private static partial Regex LibreOfficeVersion();
}
