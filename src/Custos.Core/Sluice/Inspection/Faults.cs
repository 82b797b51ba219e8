namespace Custos.Core.Sluice.Inspection;

/// <summary>A limit was crossed: the whole inspection stops there, and the finding says which limit and where.</summary>
internal sealed class InspectionLimitException(Finding finding) : Exception(finding.Detail)
{
    public Finding Finding { get; } = finding;
}

internal static class Faults
{
    /// <summary>
    /// Whether an exception is the file's fault (truncated, malformed, hostile: reported as *.malformed) rather than
    /// cancellation, a crossed limit or a server fault, which keep propagating.
    /// </summary>
    public static bool IsInputError(Exception e) =>
        e is not (OperationCanceledException or InspectionLimitException or InspectionWorkDirectoryException);

    /// <summary>What an input error says, for a report: the message of a parser, never file content.</summary>
    public static string Describe(Exception e) => e switch
    {
        InvalidDataException or NotSupportedException => e.Message.TrimEnd('.'),
        EndOfStreamException => "unexpected end of data",
        OutOfMemoryException => "a structure declares more memory than is available",
        _ => $"cannot be read ({e.GetType().Name})",
    };
}
