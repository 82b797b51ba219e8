using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Identity.SecondFactor;

/// <summary>The result of checking one TOTP code.</summary>
public enum TotpOutcome
{
    Accepted,
    /// <summary>Not a code of this seed within the allowed window (or not six digits at all).</summary>
    Wrong,
    /// <summary>A code of this seed, but for a time step that was already used: refused, so an overheard code is worthless.</summary>
    Replayed,
}

/// <param name="Step">The time step the code belongs to; only meaningful when accepted.</param>
public readonly record struct TotpMatch(TotpOutcome Outcome, long Step);

/// <summary>
/// RFC 6238 time-based one-time passwords as authenticator apps make them: HMAC-SHA-1, 30-second steps from the Unix
/// epoch, six digits. A code of the step before or after the current one is accepted for clock drift; every step is
/// accepted once.
/// </summary>
public sealed class TotpVerifier(TimeProvider time)
{
    public const int StepSeconds = 30;
    public const int Digits = 6;
    /// <summary>Steps accepted either side of now: ±30 s covers phones whose clocks drift, without widening the window for guessing much.</summary>
    public const int DriftSteps = 1;

    public long CurrentStep => StepOf(time.GetUtcNow());

    // Custos never sees times before 1970, so integer division is the floor here.
    public static long StepOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>
    /// Checks <paramref name="code"/> against the steps around now. <paramref name="lastAcceptedStep"/> is the last step
    /// accepted for this seed; it and every earlier step count as used.
    /// </summary>
    public TotpMatch Verify(ReadOnlySpan<byte> secret, string code, long lastAcceptedStep)
    {
        Span<byte> given = stackalloc byte[Digits];
        if (!TryParse(code, given)) return new TotpMatch(TotpOutcome.Wrong, 0);

        var now = CurrentStep;
        long accepted = -1;
        var replayed = false;
        Span<byte> expected = stackalloc byte[Digits];
        // Every candidate is computed and compared, whatever matched before, so the time taken says nothing about which did.
        for (var step = now - DriftSteps; step <= now + DriftSteps; step++)
        {
            WriteCode(secret, step, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, given)) continue;
            if (step > lastAcceptedStep) accepted = step;
            else replayed = true;
        }
        CryptographicOperations.ZeroMemory(expected);
        return accepted >= 0 ? new TotpMatch(TotpOutcome.Accepted, accepted)
            : new TotpMatch(replayed ? TotpOutcome.Replayed : TotpOutcome.Wrong, 0);
    }

    /// <summary>The code of one time step (RFC 4226 HOTP with the step as counter), as ASCII digits.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, long step, int digits = Digits)
    {
        Span<byte> code = stackalloc byte[digits];
        WriteCode(secret, step, code);
        return System.Text.Encoding.ASCII.GetString(code);
    }

    private static void WriteCode(ReadOnlySpan<byte> secret, long step, Span<byte> destination)
    {
        Span<byte> counter = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        // SHA-1 because every authenticator app defaults to it; HMAC-SHA-1 has no known weakness that matters here.
        HMACSHA1.HashData(secret, counter, mac);
        var offset = mac[^1] & 0x0f;
        var value = (BinaryPrimitives.ReadUInt32BigEndian(mac[offset..]) & 0x7fffffff) % Pow10(destination.Length);
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
        CryptographicOperations.ZeroMemory(mac);
    }

    private static uint Pow10(int digits) => digits switch
    {
        6 => 1_000_000,
        7 => 10_000_000,
        8 => 100_000_000,
        _ => throw new ArgumentOutOfRangeException(nameof(digits), "TOTP codes have 6 to 8 digits."),
    };

    /// <summary>Whether the input has the form of a TOTP code at all (so it is not taken for a recovery code).</summary>
    public static bool IsCodeShaped(string? code)
    {
        Span<byte> digits = stackalloc byte[Digits];
        return TryParse(code, digits);
    }

    /// <summary>Six digits; spaces are allowed since apps show the code as "123 456".</summary>
    internal static bool TryParse(string? code, Span<byte> digits)
    {
        if (code is null || code.Length > 20) return false;
        var n = 0;
        foreach (var c in code)
        {
            if (c == ' ') continue;
            if (!char.IsAsciiDigit(c) || n == digits.Length) return false;
            digits[n++] = (byte)c;
        }
        return n == digits.Length;
    }
}
