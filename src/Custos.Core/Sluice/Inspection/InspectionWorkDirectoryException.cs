namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// The private work directory could not be written (disk full, removed): a fault of the server, not of the file, so
/// it is not reported as a malformed file but thrown to the pipeline, which retries later.
/// </summary>
public sealed class InspectionWorkDirectoryException(string message, Exception inner) : IOException(message, inner);
