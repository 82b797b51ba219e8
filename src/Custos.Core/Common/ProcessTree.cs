using System.ComponentModel;
using System.Diagnostics;

namespace Custos.Core.Common;

/// <summary>Stopping an external program together with everything it started (a converter's helpers, restic's ssh).</summary>
internal static class ProcessTree
{
    /// <summary>SIGKILL to the process and its descendants, then up to ten seconds for it to be reaped.</summary>
    public static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (Win32Exception)
        {
            // A descendant exited between listing and signalling.
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGKILL was sent; a process stuck in the kernel is beyond our reach.
        }
    }
}
