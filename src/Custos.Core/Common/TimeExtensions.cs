namespace Custos.Core.Common;

public static class TimeExtensions
{
    /// <summary>
    /// Both databases keep timestamps as microseconds since the Unix epoch; truncating before use makes a
    /// value read back equal to the value written (and hashed).
    /// </summary>
    public static DateTimeOffset ToStoredPrecision(this DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);

    public static long ToUnixMicroseconds(this DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromUnixMicroseconds(long value) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + value * 10, TimeSpan.Zero);

    public static DateTimeOffset StoredNow(this TimeProvider time) => time.GetUtcNow().ToStoredPrecision();
}
