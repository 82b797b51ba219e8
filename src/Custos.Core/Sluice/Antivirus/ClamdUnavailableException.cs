namespace Custos.Core.Sluice.Antivirus;

/// <summary>
/// clamd could not be reached, stopped answering or broke the protocol. Only used inside the client, which turns it into
/// <see cref="ScanOutcome.Unavailable"/>; the message becomes the result's Detail, so it never holds file content.
/// </summary>
internal sealed class ClamdUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
