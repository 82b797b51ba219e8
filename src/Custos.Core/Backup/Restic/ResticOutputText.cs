using System.Text;
using System.Text.RegularExpressions;

namespace Custos.Core.Backup.Restic;

/// <summary>Ways to read restic's stdout that stay bounded however much it prints.</summary>
internal static class ResticOutputText
{
    /// <summary>All of stdout as text, or a failure once it passes <paramref name="maxChars"/>.</summary>
    public static async Task<string> ReadAllAsync(Stream stdout, int maxChars, string what, CancellationToken ct)
    {
        using var reader = new StreamReader(stdout, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        var text = new StringBuilder();
        var buffer = new char[16384];
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
        {
            if (text.Length + read > maxChars)
                throw new ResticException(ResticFailureKind.Failed, $"restic printed more than {maxChars / (1024 * 1024)} MiB of {what}; Custos stopped reading.");
            text.Append(buffer, 0, read);
        }
        return text.ToString();
    }

    /// <summary>
    /// Every distinct first group of <paramref name="pattern"/> in stdout, read in chunks: restic's find prints one JSON
    /// line of any length, mixed with plain-text notes, so neither whole lines nor the whole text are held.
    /// </summary>
    public static async Task ScanAsync(Stream stdout, IEnumerable<Regex> patterns, ISet<string> found, CancellationToken ct)
    {
        const int Overlap = 512; // longer than any match, so one cut by a chunk boundary is whole in the next window
        var regexes = patterns.ToList();
        using var reader = new StreamReader(stdout, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        var buffer = new char[65536];
        var carry = "";
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
        {
            var window = carry + new string(buffer, 0, read);
            foreach (var regex in regexes)
                foreach (Match match in regex.Matches(window))
                    found.Add(match.Groups[1].Value);
            carry = window.Length > Overlap ? window[^Overlap..] : window;
        }
    }
}
