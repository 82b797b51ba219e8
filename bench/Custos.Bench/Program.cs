using Custos.Bench;

// One case per benchmark; add new ones to the switch and to the usage text.
string name = args.Length > 0 ? args[0] : "";
string[] rest = args.Length > 0 ? args[1..] : [];

switch (name)
{
    case "stream":
        return await StreamEncryptionBench.RunAsync(rest);
    case "identity":
        return await IdentityBench.RunAsync(rest);
    case "audit":
        return await AuditBench.RunAsync(rest);
    case "kdbx":
        return await KdbxBench.RunAsync(rest);
    default:
        if (name.Length > 0 && name is not ("-h" or "--help" or "help"))
        {
            Console.Error.WriteLine($"Unknown benchmark '{name}'.");
        }

        PrintUsage();
        return name.Length == 0 || name is "-h" or "--help" or "help" ? 0 : 2;
}

static void PrintUsage()
{
    Console.Error.WriteLine("""
        Usage: Custos.Bench <benchmark> [options]

        Benchmarks:
          stream   Segmented stream encryption and decryption with SHA-256, compared with openssl speed.
                   Options: --size-mib <n> (default 1024), --segment-kib <n> (default 64),
                            --runs <n> (default 3, fastest reported), --skip-openssl, --json
          identity Argon2id cost (and the argon2 CLI as peer), logins per second, access policy with 10,000 grants.
          audit    Audit append throughput (chained and unchained baseline, durable and batched) and chain
                   verification speed. Options: --pg <admin connection string> (default: SQLite in a temp dir),
                            --append-events <n> (default 2000), --verify-events <n> (default 1000000), --writers <n>
          kdbx     KeePass KDBX 4 read of 10,000 entries (Argon2id 64 MiB), KDF apart from parsing, and keepassxc-cli
                   opening the same file. Options: --entries <n> (default 10000), --runs <n> (default 3)
        """);
}
