using System.Diagnostics;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Bench;

/// <summary>
/// KeePass import cost: writes a KDBX 4 file of 10,000 entries (AES-256, Argon2id 64 MiB, our writer's default
/// iterations), then reads it with our reader, the key derivation timed apart from decryption and parsing, and opens
/// the same file with keepassxc-cli (ls -R, and a full XML export) as the peer; keepassxc-cli on a one-entry file
/// with the same KDF shows how much of its time is start-up and key derivation.
/// Options: --entries &lt;n&gt; (default 10000), --runs &lt;n&gt; (default 3, fastest reported).
/// </summary>
public static class KdbxBench
{
    private const string Password = "bench password";

    public static Task<int> RunAsync(string[] args)
    {
        int entries = Option(args, "--entries", 10_000);
        int runs = Option(args, "--runs", 3);
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}");
        var options = KdbxWriteOptions.Default;
        Console.WriteLine($"KDBX 4, {options.Cipher}, {options.Kdf} m={options.Argon2MemoryBytes >> 20} MiB " +
                          $"t={options.Argon2Iterations} p={options.Argon2Parallelism}, gzip; {entries:N0} entries");

        var path = Path.Combine(Path.GetTempPath(), $"custos-kdbx-bench-{Environment.ProcessId}.kdbx");
        try
        {
            var credentials = new KdbxCredentials(Password);
            var clock = Stopwatch.StartNew();
            using (var file = File.Create(path))
            {
                KdbxWriter.Write(Tree(entries), file, credentials, options);
            }

            Console.WriteLine($"written in {clock.ElapsedMilliseconds:N0} ms, {new FileInfo(path).Length:N0} bytes");
            var reads = new List<KdbxReadTimings>();
            for (int run = 0; run <= runs; run++)
            {
                var timings = new KdbxReadTimings();
                using var file = File.OpenRead(path);
                var document = KdbxReader.Read(file, credentials, null, timings);
                if (document.Root.AllEntries().Count() != entries)
                {
                    throw new InvalidOperationException("the read lost entries");
                }

                // The first read also compiles the reader; it is reported, not ranked.
                if (run == 0)
                {
                    Console.WriteLine($"first read (cold JIT): {timings.Total.TotalMilliseconds:N0} ms, of which KDF {timings.KeyDerivation.TotalMilliseconds:N0} ms");
                    continue;
                }

                reads.Add(timings);
            }

            var best = reads.MinBy(t => t.Total)!;
            var lsMs = KeePassXc(runs, "ls", "-R", path);
            var exportMs = KeePassXc(runs, "export", "--format", "xml", path);
            // The same KDF over a one-entry file: KeePassXC's start-up and key derivation without the parsing.
            using (var file = File.Create(path))
            {
                KdbxWriter.Write(Tree(1), file, credentials, options);
            }

            var baseMs = KeePassXc(runs, "ls", "-R", path);

            Console.WriteLine();
            Row("reader", "total ms", "KDF ms", "decrypt+parse ms");
            Row("---", "---:", "---:", "---:");
            Row($"Custos KdbxReader (best of {runs})", Format(best.Total.TotalMilliseconds),
                Format(best.KeyDerivation.TotalMilliseconds), Format((best.Total - best.KeyDerivation).TotalMilliseconds));
            Row($"keepassxc-cli ls -R (best of {runs})", Format(lsMs), "-", "-");
            Row($"keepassxc-cli export xml (best of {runs})", Format(exportMs), "-", "-");
            Row($"keepassxc-cli ls, 1 entry (best of {runs})", Format(baseMs), "-", "-");
            return Task.FromResult(0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Row(string name, string total, string kdf, string parse) =>
        Console.WriteLine($"| {name,-38} | {total,8} | {kdf,6} | {parse,16} |");

    private static string Format(double? ms) => ms is { } value ? value.ToString("N0") : "n/a";

    /// <summary>The fastest wall time of the CLI over the runs (process start and Qt included), or null when it
    /// is not installed.</summary>
    private static double? KeePassXc(int runs, params string[] args)
    {
        const string program = "/usr/bin/keepassxc-cli";
        if (!File.Exists(program))
        {
            Console.WriteLine("peer: keepassxc-cli not installed (apt-get install keepassxc)");
            return null;
        }

        double best = double.MaxValue;
        for (int run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(Password + "\n");
            process.StandardInput.Close();
            process.WaitForExit();
            output.Wait();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"keepassxc-cli {args[0]} failed: {error.Result}");
            }

            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }

        return best;
    }

    private static TransferFolder Tree(int count)
    {
        var root = new TransferFolder { Name = "bench" };
        for (int f = 0; f < 100; f++)
        {
            var folder = new TransferFolder { Name = $"folder {f}" };
            for (int i = f; i < count; i += 100)
            {
                var entry = new TransferEntry
                {
                    Title = $"entry {i}", UserName = $"user{i}@example.test", Password = $"pw-{i}-Xy9!",
                    Notes = "notes about this account", Totp = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
                    Created = DateTimeOffset.UtcNow, Modified = DateTimeOffset.UtcNow,
                };
                entry.Urls.Add($"https://site{i}.example.test/login");
                entry.Fields.Add(new("PIN", $"{i % 10_000:0000}", true));
                entry.Tags.Add("bench");
                entry.History.Add(new TransferEntry { Title = entry.Title, Password = "older" });
                folder.Entries.Add(entry);
            }

            root.Folders.Add(folder);
        }

        return root;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) ? value : fallback;
    }
}
