using System.Formats.Tar;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>
/// Walks a tar archive entry by entry (streaming). Members are stored, not compressed: they are slices of the tar,
/// whose own bytes were counted when it was expanded, so they are not counted as expansion again.
/// </summary>
internal static class TarWalker
{
    public static void Walk(Stream tar, ContainerWalk walk)
    {
        tar.Position = 0;
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            walk.Cancellation.ThrowIfCancellationRequested();
            var isFolder = entry.EntryType == TarEntryType.Directory;
            if (!walk.Admit(entry.Name, isFolder)) continue;
            switch (entry.EntryType)
            {
                case TarEntryType.SymbolicLink:
                    walk.Link(entry.Name, entry.LinkName, symbolic: true);
                    continue;
                case TarEntryType.HardLink:
                    walk.Link(entry.Name, entry.LinkName, symbolic: false);
                    continue;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.SparseFile:
                    if (entry.DataStream is { } data) walk.Inspect(entry.Name, new NonClosingStream(data), -1, isExpansion: false);
                    continue;
                default:
                    // Devices and FIFOs are not files a user opens; their names were checked.
                    continue;
            }
        }
    }

    /// <summary>The tar reader owns its data streams; the walk must not close them.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
