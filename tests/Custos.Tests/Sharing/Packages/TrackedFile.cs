using Custos.Core.Sharing.Packages;

namespace Custos.Tests.Sharing.Packages;

/// <summary>A file handed to the packager that records how it was used: opened once, read to its end, disposed.</summary>
internal sealed class TrackedFile(string name, byte[] content, string mediaType = "application/octet-stream")
{
    public string Name => name;
    public byte[] Content => content;
    public int Opens { get; private set; }
    public bool ReadToEnd { get; private set; }
    public bool Disposed { get; private set; }

    public PackageFile File => new(name, mediaType, _ =>
    {
        Opens++;
        return Task.FromResult<Stream>(new ForwardOnlyContent(this, content));
    });

    public void AssertUsedOnce()
    {
        Assert.Equal(1, Opens);
        Assert.True(ReadToEnd, $"{name} was not read to its end.");
        Assert.True(Disposed, $"{name} was not disposed.");
    }

    /// <summary>Like a blob store's stream: it reads forward and cannot seek.</summary>
    private sealed class ForwardOnlyContent(TrackedFile file, byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        protected override void Dispose(bool disposing)
        {
            if (disposing && !file.Disposed)
            {
                file.ReadToEnd = Position == Length;
                file.Disposed = true;
            }
            base.Dispose(disposing);
        }
    }
}
