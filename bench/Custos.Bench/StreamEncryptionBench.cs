using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Custos.Core.Keys;

namespace Custos.Bench;

/// <summary>
/// Measures encryption+hash and decryption+hash throughput of the segmented stream format on one core, the memory it
/// needs, and compares with what openssl achieves for AES-256-GCM and SHA-256 on this machine.
/// </summary>
/// <remarks>
/// Encryption reads a generated pseudo-random stream and writes to <see cref="Stream.Null"/>. Decryption reads a
/// ciphertext file written to the temp directory beforehand (untimed) and deleted afterwards; a freshly written file is
/// normally served from the page cache, so this measures CPU cost rather than disk speed.
/// MB means 10^6 bytes, the unit openssl speed reports.
/// </remarks>
internal static class StreamEncryptionBench
{
    private const int OpensslSeconds = 3;
    private const int OpensslBlockSize = 65536;
    private const long Mebibyte = 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        long sizeMib = 1024;
        int segmentSize = SegmentedStreamFormat.DefaultSegmentSize;
        bool json = false;
        bool skipOpenssl = false;
        int runs = 3;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mib" when i + 1 < args.Length && long.TryParse(args[i + 1], CultureInfo.InvariantCulture, out sizeMib) && sizeMib is > 0 and <= 1024 * 1024:
                    i++;
                    break;
                case "--segment-kib" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int kib)
                    && kib is >= SegmentedStreamFormat.MinSegmentSize / 1024 and <= SegmentedStreamFormat.MaxSegmentSize / 1024:
                    segmentSize = kib * 1024;
                    i++;
                    break;
                case "--runs" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out runs) && runs is > 0 and <= 100:
                    i++;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--skip-openssl":
                    skipOpenssl = true;
                    break;
                default:
                    Console.Error.WriteLine($"stream: unknown or invalid option '{args[i]}'.");
                    Console.Error.WriteLine("Options: --size-mib <n> --segment-kib <n> --runs <n> --skip-openssl --json");
                    return 2;
            }
        }

        byte[] key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        byte[] associatedData = "custos-bench/stream"u8.ToArray();
        long size = sizeMib * Mebibyte;

        // Warm up so tiered compilation has settled before anything is timed.
        await using (var warmupSource = new PseudoRandomStream(Math.Min(size, 32 * Mebibyte), seed: 42))
        {
            await EncryptOnceAsync(warmupSource, key, associatedData, segmentSize);
        }

        string warmupFile = await WriteCiphertextFileAsync(Math.Min(size, 32 * Mebibyte), key, associatedData, segmentSize);
        try
        {
            await DecryptFileOnceAsync(warmupFile, key, associatedData);
        }
        finally
        {
            File.Delete(warmupFile);
        }

        // Each phase runs several times and the fastest run is reported, so a burst of other work on a shared
        // machine does not decide the figure; every run is kept in the JSON output.
        var encryptRuns = new List<Measurement>();
        for (int run = 0; run < runs; run++)
        {
            // The source's own pool is allocated before measuring, so the figure shows what encryption allocates.
            await using var source = new PseudoRandomStream(size, seed: 42);
            encryptRuns.Add(await EncryptOnceAsync(source, key, associatedData, segmentSize));
        }

        var decryptRuns = new List<Measurement>();
        string file = await WriteCiphertextFileAsync(size, key, associatedData, segmentSize);
        try
        {
            for (int run = 0; run < runs; run++)
            {
                decryptRuns.Add(await DecryptFileOnceAsync(file, key, associatedData));
            }
        }
        finally
        {
            File.Delete(file);
        }

        byte[] expectedHash = encryptRuns[0].Sha256;
        if (encryptRuns.Concat(decryptRuns).Any(m => m.Length != size || !m.Sha256.SequenceEqual(expectedHash)))
        {
            Console.Error.WriteLine("stream: decrypted content does not match what was encrypted.");
            return 1;
        }

        var encrypt = encryptRuns.MinBy(m => m.Elapsed);
        var decrypt = decryptRuns.MinBy(m => m.Elapsed);

        long peakWorkingSet;
        using (var self = Process.GetCurrentProcess())
        {
            peakWorkingSet = self.PeakWorkingSet64;
        }

        var openssl = skipOpenssl ? OpensslResult.Skipped("skipped by --skip-openssl") : Openssl.Measure(OpensslSeconds, OpensslBlockSize);
        var result = new StreamBenchResult(
            SizeMib: sizeMib,
            SegmentSize: segmentSize,
            EncryptHashMBps: Rate(size, encrypt.Elapsed),
            DecryptHashMBps: Rate(size, decrypt.Elapsed),
            EncryptSeconds: encrypt.Elapsed.TotalSeconds,
            DecryptSeconds: decrypt.Elapsed.TotalSeconds,
            PeakWorkingSetMib: peakWorkingSet / (double)Mebibyte,
            EncryptAllocatedBytes: encryptRuns.Max(m => m.Allocated),
            DecryptAllocatedBytes: decryptRuns.Max(m => m.Allocated),
            Runs: runs,
            EncryptRunsMBps: [.. encryptRuns.Select(m => Rate(size, m.Elapsed))],
            DecryptRunsMBps: [.. decryptRuns.Select(m => Rate(size, m.Elapsed))],
            OpensslVersion: openssl.Version,
            OpensslNote: openssl.Note,
            OpensslBlockSize: openssl.BlockSize,
            OpensslAesGcmMBps: openssl.AesGcmMBps,
            OpensslSha256MBps: openssl.Sha256MBps,
            OpensslCeilingMBps: openssl.CeilingMBps,
            EncryptHashPercentOfCeiling: openssl.CeilingMBps is { } ceiling ? 100 * Rate(size, encrypt.Elapsed) / ceiling : null,
            ProcessorCount: Environment.ProcessorCount,
            Cpu: CpuModel());

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        }
        else
        {
            Print(result);
        }

        return 0;
    }

    private static async Task<Measurement> EncryptOnceAsync(PseudoRandomStream source, byte[] key, byte[] associatedData, int segmentSize)
    {
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var (sha256, length) = await SegmentedStreamFormat.EncryptAsync(source, Stream.Null, key, associatedData, segmentSize);
        var elapsed = stopwatch.Elapsed;
        return new Measurement(elapsed, sha256, length, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    private static async Task<string> WriteCiphertextFileAsync(long size, byte[] key, byte[] associatedData, int segmentSize)
    {
        string path = Path.Combine(Path.GetTempPath(), $"custos-bench-{Guid.NewGuid():N}.csg");
        try
        {
            await using var source = new PseudoRandomStream(size, seed: 42);
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await SegmentedStreamFormat.EncryptAsync(source, file, key, associatedData, segmentSize);
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return path;
    }

    private static async Task<Measurement> DecryptFileOnceAsync(string path, byte[] key, byte[] associatedData)
    {
        await using var file = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var (sha256, length) = await SegmentedStreamFormat.DecryptAsync(file, Stream.Null, key, associatedData);
        var elapsed = stopwatch.Elapsed;
        return new Measurement(elapsed, sha256, length, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    private static double Rate(long bytes, TimeSpan elapsed) => bytes / elapsed.TotalSeconds / 1e6;

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return "unknown";
    }

    private static void Print(StreamBenchResult r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"stream: {r.SizeMib} MiB, segment size {r.SegmentSize} bytes, {r.ProcessorCount} logical CPUs, {r.Cpu}"));
        Console.WriteLine(string.Create(c, $"  fastest of {r.Runs} runs; all runs (MB/s): encrypt {string.Join(", ", r.EncryptRunsMBps.Select(v => v.ToString("F0", c)))}; decrypt {string.Join(", ", r.DecryptRunsMBps.Select(v => v.ToString("F0", c)))}"));
        Console.WriteLine(string.Create(c, $"  encrypt + SHA-256:  {r.EncryptHashMBps,8:F1} MB/s  ({r.EncryptSeconds:F2} s, {r.EncryptAllocatedBytes:N0} bytes allocated, most of any run)"));
        Console.WriteLine(string.Create(c, $"  decrypt + SHA-256:  {r.DecryptHashMBps,8:F1} MB/s  ({r.DecryptSeconds:F2} s, {r.DecryptAllocatedBytes:N0} bytes allocated, most of any run)"));
        Console.WriteLine(string.Create(c, $"  peak working set:   {r.PeakWorkingSetMib,8:F1} MiB"));
        if (r.OpensslCeilingMBps is { } ceiling)
        {
            Console.WriteLine(string.Create(c, $"  {r.OpensslVersion}, {r.OpensslBlockSize}-byte blocks:"));
            Console.WriteLine(string.Create(c, $"    aes-256-gcm        {r.OpensslAesGcmMBps,8:F1} MB/s"));
            Console.WriteLine(string.Create(c, $"    sha256             {r.OpensslSha256MBps,8:F1} MB/s"));
            Console.WriteLine(string.Create(c, $"    combined ceiling   {ceiling,8:F1} MB/s  (1 / (1/aes + 1/sha))"));
            Console.WriteLine(string.Create(c, $"  encrypt + SHA-256 reaches {r.EncryptHashPercentOfCeiling:F1}% of the openssl ceiling"));
        }
        else
        {
            Console.WriteLine($"  openssl comparison not available: {r.OpensslNote}");
        }
    }

    /// <param name="Allocated">Managed bytes allocated by the timed operation.</param>
    private readonly record struct Measurement(TimeSpan Elapsed, byte[] Sha256, long Length, long Allocated);
}

internal sealed record StreamBenchResult(
    long SizeMib,
    int SegmentSize,
    double EncryptHashMBps,
    double DecryptHashMBps,
    double EncryptSeconds,
    double DecryptSeconds,
    double PeakWorkingSetMib,
    long EncryptAllocatedBytes,
    long DecryptAllocatedBytes,
    int Runs,
    double[] EncryptRunsMBps,
    double[] DecryptRunsMBps,
    string? OpensslVersion,
    string? OpensslNote,
    int? OpensslBlockSize,
    double? OpensslAesGcmMBps,
    double? OpensslSha256MBps,
    double? OpensslCeilingMBps,
    double? EncryptHashPercentOfCeiling,
    int ProcessorCount,
    string Cpu);

/// <summary>
/// Deterministic pseudo-random content of a given length, produced chunk by chunk from a 1 MiB pool so that
/// memory stays flat whatever the length. Each pool-sized block is stamped with its block number, so the content
/// does not simply repeat. Producing it costs about one memory copy, like reading from a socket or file would.
/// </summary>
internal sealed class PseudoRandomStream : Stream
{
    private const int PoolSize = 1024 * 1024;
    private readonly byte[] _pool = new byte[PoolSize];
    private readonly long _length;
    private long _position;

    public PseudoRandomStream(long length, int seed)
    {
        _length = length;
        new Random(seed).NextBytes(_pool);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        int total = 0;
        while (!buffer.IsEmpty && _position < _length)
        {
            long block = _position / PoolSize;
            int offset = (int)(_position % PoolSize);
            int count = (int)Math.Min(Math.Min(buffer.Length, PoolSize - offset), _length - _position);
            _pool.AsSpan(offset, count).CopyTo(buffer);
            for (int i = offset; i < sizeof(long) && i < offset + count; i++)
            {
                buffer[i - offset] ^= (byte)(block >> (8 * i));
            }

            buffer = buffer[count..];
            _position += count;
            total += count;
        }

        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal sealed record OpensslResult(string? Version, string? Note, int? BlockSize, double? AesGcmMBps, double? Sha256MBps)
{
    /// <summary>Throughput if one core first encrypted and then hashed every byte at openssl's speeds.</summary>
    public double? CeilingMBps => AesGcmMBps is { } aes && Sha256MBps is { } sha ? 1 / (1 / aes + 1 / sha) : null;

    public static OpensslResult Skipped(string note, string? version = null) => new(version, note, null, null, null);
}

/// <summary>Runs <c>openssl speed</c> in machine-readable mode and extracts one block size column.</summary>
internal static class Openssl
{
    public static OpensslResult Measure(int seconds, int blockSize)
    {
        string? version = Run("version")?.Trim();
        if (string.IsNullOrEmpty(version))
        {
            return OpensslResult.Skipped("openssl is not on PATH");
        }

        // Older releases lack some options; probe the help text rather than guess from the version string.
        string help = Run("speed", "-help") ?? "";
        if (!help.Contains("-mr", StringComparison.Ordinal) || !help.Contains("-evp", StringComparison.Ordinal))
        {
            return OpensslResult.Skipped("this openssl speed lacks -mr or -evp", version);
        }

        var options = new List<string> { "speed", "-mr" };
        if (help.Contains("-seconds", StringComparison.Ordinal))
        {
            options.AddRange(["-seconds", seconds.ToString(CultureInfo.InvariantCulture)]);
        }

        if (help.Contains("-bytes", StringComparison.Ordinal))
        {
            options.AddRange(["-bytes", blockSize.ToString(CultureInfo.InvariantCulture)]);
        }

        var aes = Speed([.. options, "-evp", "aes-256-gcm"], blockSize);
        var sha = Speed([.. options, "-evp", "sha256"], blockSize);
        if (aes is null || sha is null)
        {
            return OpensslResult.Skipped("could not parse openssl speed output", version);
        }

        string? note = aes.Value.BlockSize == blockSize && sha.Value.BlockSize == blockSize
            ? null
            : $"no {blockSize}-byte column; used the largest block size reported";
        return new OpensslResult(version, note, aes.Value.BlockSize, aes.Value.BytesPerSecond / 1e6, sha.Value.BytesPerSecond / 1e6);
    }

    /// <summary>
    /// Parses <c>+H:size:size...</c> and <c>+F:index:name:rate:rate...</c> lines (rates in bytes per second), taking the
    /// requested block size or else the largest one.
    /// </summary>
    private static (int BlockSize, double BytesPerSecond)? Speed(string[] arguments, int blockSize)
    {
        string? output = Run(arguments);
        if (output is null)
        {
            return null;
        }

        int[]? sizes = null;
        double[]? rates = null;
        foreach (string line in output.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("+H:", StringComparison.Ordinal))
            {
                sizes = [.. line[3..].Split(':').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            }
            else if (line.StartsWith("+F:", StringComparison.Ordinal))
            {
                rates = [.. line.Split(':').Skip(3).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
            }
        }

        if (sizes is null || rates is null || sizes.Length != rates.Length || sizes.Length == 0)
        {
            return null;
        }

        int column = Array.IndexOf(sizes, blockSize);
        if (column < 0)
        {
            column = Array.IndexOf(sizes, sizes.Max());
        }

        return (sizes[column], rates[column]);
    }

    /// <summary>Runs openssl and returns stdout and stderr together, or null when it cannot be started.</summary>
    private static string? Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return stdout.GetAwaiter().GetResult() + "\n" + stderr.GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
