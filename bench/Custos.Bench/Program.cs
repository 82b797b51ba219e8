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
    case "vault-reveal":
        return await VaultRevealBench.RunAsync(rest);
    case "vault-import":
        return await VaultImportBench.RunAsync(rest);
    case "documents":
        return await DocumentBench.RunAsync(rest);
    case "ssh":
        return await SshBench.RunAsync(rest);
    case "sluice":
        return await SluiceBench.RunAsync(rest);
    case "web-proxy":
        return OperatingSystem.IsWindows() ? 2 : await WebProxyBench.RunAsync(rest);
    case "share":
        return OperatingSystem.IsWindows() ? 2 : await ShareBench.RunAsync(rest);
    case "backup":
        return OperatingSystem.IsWindows() ? 2 : await BackupBench.RunAsync(rest);
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
          vault-reveal
                   Reveals through the HTTPS API of a running server (100 entries, bearer token): closed loop (C workers,
                   throughput and p50/p95/p99), open loop at a fixed rate (latency from the scheduled send), then checks
                   that every answered reveal is journalled with its audit event and that the audit chain verifies; with a
                   breakdown against cheaper endpoints (healthz, tenants, entry view) and EF statements per request.
                   Options: --pg <admin connection string> (default: SQLite in a temp dir), --concurrency <n[,n...]>
                            (default 32), --duration <s> (default 10), --warmup <s> (default 5; goes on until the JIT
                            settles), --rate <n/s> (default 500), --entries <n> (default 100), --no-breakdown,
                            --pg-pool <n> (the server's Npgsql Maximum Pool Size, default 50; 0 = Npgsql's default
                            100, which PostgreSQL's default max_connections=100 refuses under overload)
          vault-import
                   KeePass import of 10,000 entries (KDBX 4, Argon2id 64 MiB): the read (KDF apart from decrypt+parse),
                   VaultTransfer.ImportAsync into the database of a freshly started server (rows built vs SaveChanges),
                   zxcvbn's share, and keepassxc-cli ls -R on the same file (required: /usr/bin/keepassxc-cli).
                   Options: --pg <admin connection string> (SQLite is always measured; PostgreSQL as well when given),
                            --entries <n> (default 10000), --runs <n> (reads and keepassxc-cli, default 3),
                            --import-runs <n> (imports per database, each on a new database, default 2)
          documents
                   Document store through the HTTPS API: 1 GiB upload/download and 10,000 x 10 KiB files (16 clients), MB/s,
                   files/s and peak memory growth (client and server share the process), against dd and openssl speed.
                   Options: --pg <admin connection string> (default: SQLite in a temp dir), --large-mib <n> (default 1024),
                            --files <n> (default 10000), --file-kib <n> (default 10), --concurrency <n> (default 16),
                            --pg-pool <n> (default 50), --runs <n> (large transfers and dd, median judged; default 3),
                            --no-split, --skip-ceilings
          ssh      Secure use against a real OpenSSH sshd on loopback (needs root, /usr/sbin/sshd and /usr/bin/ssh; creates the
                   system user custos-bench-ssh): keystroke round trip through Custos's WebSocket shell versus ssh -tt to the
                   same sshd (interleaved, p50/p95/p99/max), throughput of cat of a printable file through the WebSocket, the
                   CLI (custos ssh ENTRY, where this build has an interactive mode), ssh -tt and ssh without pty, and memory
                   and threads per concurrent idle session (client and server share the process).
                   Options: --keystrokes <n> (default 1000), --size-mib <n> (default 100), --sessions <n> (default 50)
          sluice   The data sluice on a generated corpus of mixed files (PDF, docx, xlsx, PNG, JPEG, zip, tar.gz, text, CSV,
                   data; 1 KiB-20 MiB log-uniform, at most ~1.5 GB): clamdscan --stream over it in one invocation (the peer),
                   the check pipeline without disarm (CheckOnlyAsync, with clamd's share of the time), the inspection alone, and
                   uploads through a server that releases disarmed copies for a subset. Each phase starts a clamd of its own
                   with test signatures (needs clamd, clamdscan, Ghostscript and LibreOffice). Target: pipeline >= 80% of clamdscan.
                   Options: --files <n> (default 1000), --seed <n> (default 1), --disarm-files <n> (default 100; 0 skips it),
                            --concurrency <n> (the check pipeline's files at once, an experiment; default: the sluice's), --no-split
          web-proxy
                   Web sessions through Custos's proxy against Debian's nginx (auth_basic, /usr/sbin/nginx and openssl):
                   requests/s for a static page direct to nginx (HTTPS and HTTP) versus through the proxy (HTTPS), same
                   run, rounds in rotating order after an unmeasured warm-up, medians; with wrk where installed (else an
                   in-process HttpClient loop), and Custos's /healthz for scale. Target: proxy >= 50% of direct HTTPS.
                   Options: --duration <s> (default 10), --connections <n> (default 32), --warmup <s> (default 5),
                            --rounds <n> (default 3), --no-wrk
          share    Sharing (issue 7): one file (100 MiB) uploaded through the documents API and the sluice, shared by a link without
                   password; C recipients (own HttpClient, cookies and connection each) download it at once, every download checked
                   by SHA-256: aggregate MB/s, p50/p95 per download, CPU and memory; Debian's nginx serving the same file over HTTPS
                   to the same clients as the ceiling (needs /usr/sbin/nginx, openssl, clamd). Then the token path for S seconds
                   each: ShareGate.FindAsync in-process (known and unknown tokens), GET of a password link's page (writes a log
                   line) and of unknown tokens over HTTPS; finally all recipients typing a link's password at once. Target:
                   link checks (in-process) >= 5,000/s.
                   Options: --pg <admin connection string> (default: SQLite in a temp dir), --clients <n> (default 50),
                            --size-mib <n> (default 100), --seconds <s> (each link check phase, default 10), --download-seconds <s>
                            (default 0: each client downloads once; else again and again for s seconds), --callers <n> (link
                            checks, default 16), --pg-pool <n> (default 50)
          backup   Backup and restore (issue 8) of a data set of ~2 GiB: 10,000 documents of mixed size (pseudo-random content, 3 tenants x 4 folders,
                   stored in-process through DocumentUploads, no HTTP) plus the database. Custos (BackupRunner without verification,
                   InstanceRestore into an empty directory, DocumentRestore of a ~2 MiB document) against the same restic commands run by hand
                   on the same data in the same run (database copied by cp or pg_dump): first backup, second after 1% of the documents got a
                   new version, full restore (raw also with --verify), each in R rounds with alternating order, medians of wall and CPU time;
                   single-document restore (median and max of 5). Needs /usr/bin/restic (and pg_dump with --pg) and about 5x the data set
                   on disk. Target: overhead over raw restic <= 10% for backup and restore; one document < 3 s.
                   Options: --pg <admin connection string> (default: SQLite), --gib <n> (default 2), --documents <n> (default 10000),
                            --work <dir> (default: the temporary directory; the run's folder inside it is removed at the end unless --keep),
                            --rounds <n> (default 3), --single-runs <n> (default 5)
        """);
}
