namespace Custos.Core.Sluice.Inspection;

/// <summary>One conclusion of a check, before it is named as a <see cref="CheckResult"/>.</summary>
internal sealed record Finding(CheckOutcome Outcome, string Code, string Detail)
{
    public static Finding Pass(string code, string detail) => new(CheckOutcome.Pass, code, detail);
    public static Finding Block(string code, string detail) => new(CheckOutcome.Block, code, detail);
    public static Finding Review(string code, string detail) => new(CheckOutcome.Review, code, detail);

    public bool IsPass => Outcome == CheckOutcome.Pass;

    public static int Severity(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Block => 2,
        CheckOutcome.Review => 1,
        _ => 0,
    };

    /// <summary>The same finding said about something inside a container ("docs/a.zip/setup.exe: ...").</summary>
    public Finding At(string path) => this with { Detail = $"{path}: {Detail}" };

    public CheckResult Named(string check) => new(check, Outcome, Code, Detail);
}

/// <summary>Keeps the worst of the findings added; of equally bad ones, the first.</summary>
internal sealed class WorstFinding
{
    public Finding? Value { get; private set; }

    public bool IsBlock => Value?.Outcome == CheckOutcome.Block;

    public void Add(Finding? finding)
    {
        if (finding is null || finding.IsPass) return;
        if (Value is null || Finding.Severity(finding.Outcome) > Finding.Severity(Value.Outcome)) Value = finding;
    }
}
