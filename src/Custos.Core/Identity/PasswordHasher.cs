using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Custos.Core.Identity;

/// <summary>Argon2id parameters; the defaults are OWASP's (m = 19 MiB, t = 2, p = 1), sized so a login costs ~100 ms on 2 cores.</summary>
public sealed record Argon2Parameters(int MemoryKiB = 19456, int Iterations = 2, int Parallelism = 1)
{
    public static readonly Argon2Parameters Default = new();
}

/// <summary>
/// Hashes passwords with Argon2id into PHC strings that carry their own parameters, so hashes made with weaker
/// parameters still verify and can be upgraded at the next login.
/// </summary>
public sealed class PasswordHasher(Argon2Parameters parameters)
{
    private const int SaltSize = 16;
    private const int HashSize = 32;

    public Argon2Parameters Parameters { get; } = parameters;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Compute(password, salt, Parameters, HashSize);
        return $"$argon2id$v=19$m={Parameters.MemoryKiB},t={Parameters.Iterations},p={Parameters.Parallelism}" +
               $"${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(hash).TrimEnd('=')}";
    }

    public PasswordCheck Verify(string password, string phc)
    {
        if (!TryParse(phc, out var p, out var salt, out var expected)) return PasswordCheck.Invalid;
        var actual = Compute(password, salt, p, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return PasswordCheck.Invalid;
        return p.MemoryKiB < Parameters.MemoryKiB || p.Iterations < Parameters.Iterations
            ? PasswordCheck.ValidNeedsRehash
            : PasswordCheck.Valid;
    }

    /// <summary>Spends the same work as a real check, so an unknown user cannot be told from a wrong password by timing.</summary>
    public void SpendEquivalentWork(string password) => Compute(password, new byte[SaltSize], Parameters, HashSize);

    private static byte[] Compute(string password, byte[] salt, Argon2Parameters p, int size)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            using var argon = new Argon2id(bytes)
            {
                Salt = salt,
                MemorySize = p.MemoryKiB,
                Iterations = p.Iterations,
                DegreeOfParallelism = p.Parallelism,
            };
            return argon.GetBytes(size);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryParse(string phc, out Argon2Parameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = Argon2Parameters.Default;
        salt = hash = [];
        var parts = phc.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        int m = 0, t = 0, p = 0;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out var value) || value <= 0) return false;
            switch (pair[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }
        if (m == 0 || t == 0 || p == 0) return false;
        try
        {
            salt = FromUnpaddedBase64(parts[4]);
            hash = FromUnpaddedBase64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        parameters = new Argon2Parameters(m, t, p);
        return hash.Length >= 16 && salt.Length >= 8;
    }

    private static byte[] FromUnpaddedBase64(string s) => Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
}

public enum PasswordCheck
{
    Invalid,
    Valid,
    ValidNeedsRehash,
}
