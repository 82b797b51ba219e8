using System.Buffers;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>
/// Makes an entry seekable for its own inspection: up to 16 MiB in memory, beyond that in a file of random name in the
/// private work directory, deleted when the returned stream is closed. Entry names never reach the file system.
/// </summary>
internal static class EntryBuffer
{
    public const int MemoryLimit = 16 << 20;

    public static Stream Fill(Stream source, string workDirectory, CancellationToken ct)
    {
        var memory = new MemoryStream();
        FileStream? file = null;
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                if (file is null && memory.Length + read > MemoryLimit)
                {
                    file = Spill(workDirectory);
                    WriteToFile(file, memory.GetBuffer().AsSpan(0, (int)memory.Length));
                    memory = new MemoryStream(0);
                }
                if (file is null) memory.Write(chunk, 0, read);
                else WriteToFile(file, chunk.AsSpan(0, read));
            }
            Stream result = file ?? (Stream)memory;
            result.Position = 0;
            return result;
        }
        catch
        {
            file?.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static FileStream Spill(string workDirectory)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 81920,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var path = Path.Combine(workDirectory, $"inspect-{Guid.NewGuid():N}.part");
        try { return new FileStream(path, options); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InspectionWorkDirectoryException("The inspection work directory cannot be written.", e);
        }
    }

    private static void WriteToFile(FileStream file, ReadOnlySpan<byte> data)
    {
        try { file.Write(data); }
        catch (IOException e) { throw new InspectionWorkDirectoryException("The inspection work directory cannot be written.", e); }
    }
}
