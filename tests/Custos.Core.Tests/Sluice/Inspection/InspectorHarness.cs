using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;

namespace Custos.Core.Tests.Sluice.Inspection;

/// <summary>Runs the inspector on bytes made by a test, in a fresh work directory that must be left empty.</summary>
internal static class InspectorHarness
{
    public static InspectionReport Inspect(byte[] content, string name, InspectionLimits? limits = null,
        IReadOnlyCollection<string>? allowed = null)
    {
        using var stream = new MemoryStream(content, writable: false);
        return Inspect(stream, name, limits, allowed);
    }

    public static InspectionReport Inspect(Stream content, string name, InspectionLimits? limits = null,
        IReadOnlyCollection<string>? allowed = null, CancellationToken ct = default)
    {
        var work = Directory.CreateTempSubdirectory("custos-inspect-test-");
        try
        {
            var report = new FileInspector(limits ?? new InspectionLimits())
                .Inspect(content, name, allowed ?? [.. FileKinds.DefaultAllowed], work.FullName, ct);
            Assert.Equal([SluiceChecks.Type, SluiceChecks.Archive, SluiceChecks.ActiveContent], report.Checks.Select(c => c.Check));
            Assert.Empty(work.EnumerateFileSystemInfos());
            return report;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public static CheckResult TypeCheck(this InspectionReport report) => report.Checks[0];
    public static CheckResult ArchiveCheck(this InspectionReport report) => report.Checks[1];
    public static CheckResult ActiveCheck(this InspectionReport report) => report.Checks[2];

    public static void AssertCheck(CheckResult result, CheckOutcome outcome, string code, string? detailContains = null)
    {
        Assert.True(result.Outcome == outcome && result.Code == code,
            $"expected {result.Check} {outcome} {code}, got {result.Outcome} {result.Code}: {result.Detail}");
        if (detailContains is not null) Assert.Contains(detailContains, result.Detail);
    }

    /// <summary>All three checks pass.</summary>
    public static void AssertClean(InspectionReport report)
    {
        foreach (var check in report.Checks)
            Assert.True(check.Outcome == CheckOutcome.Pass, $"{check.Check} is {check.Outcome} {check.Code}: {check.Detail}");
    }
}
