namespace Custos.Tests.Backup.Restic;

/// <summary>Runs the handler on the reporting thread, while restic is still running (Progress&lt;T&gt; would post it later).</summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
