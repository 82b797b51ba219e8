namespace Custos.Core.Sharing.Packages;

/// <summary>One file to put into a package: its name and a way to open its plaintext (opened once, read to the end, disposed).</summary>
public sealed record PackageFile(string Name, string MediaType, Func<CancellationToken, Task<Stream>> OpenAsync);
