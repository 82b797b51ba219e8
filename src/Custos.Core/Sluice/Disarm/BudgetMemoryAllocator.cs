using System.Buffers;
using System.Runtime.CompilerServices;
using SixLabors.ImageSharp.Memory;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// An ImageSharp allocator with a ceiling on the bytes held at once. Identify only sees the canvas size; a GIF of a
/// thousand one-pixel frames on a large canvas, or a TIFF of many pages, decodes into a full canvas per frame, and this
/// is what stops it, whatever the format.
/// </summary>
internal sealed class BudgetMemoryAllocator(long budgetBytes) : MemoryAllocator
{
    private readonly MemoryAllocator inner = new SimpleGcMemoryAllocator();
    private long held;

    public long BudgetBytes => budgetBytes;

    protected override int GetBufferCapacityInBytes() => int.MaxValue;

    public override IMemoryOwner<T> Allocate<T>(int length, AllocationOptions options = AllocationOptions.None)
    {
        var bytes = (long)length * Unsafe.SizeOf<T>();
        if (Interlocked.Add(ref held, bytes) > budgetBytes)
        {
            Interlocked.Add(ref held, -bytes);
            throw new InvalidMemoryOperationException(
                $"decoding needs more than {budgetBytes / (1024 * 1024):N0} MiB, the limit derived from MaxImagePixels");
        }
        try
        {
            return new Counted<T>(inner.Allocate<T>(length, options), this, bytes);
        }
        catch
        {
            Interlocked.Add(ref held, -bytes);
            throw;
        }
    }

    private sealed class Counted<T>(IMemoryOwner<T> owner, BudgetMemoryAllocator allocator, long bytes) : IMemoryOwner<T>
    {
        private int disposed;

        public Memory<T> Memory => owner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            owner.Dispose();
            Interlocked.Add(ref allocator.held, -bytes);
        }
    }
}
