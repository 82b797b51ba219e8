using System.Reflection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Processing;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// Images are decoded to pixels and encoded anew without any metadata (EXIF with its GPS position and camera serial,
/// XMP, IPTC, ICC profile, PNG text chunks, GIF comments), so that nothing but the picture leaves.
/// </summary>
/// <remarks>
/// Each format is written as itself, except BMP, which becomes PNG (lossless, a fraction of the size, and no BMP
/// variant quirks). TIFF stays TIFF so multi-page scans keep their pages. WebP works in ImageSharp 2.1, but its encoder
/// writes one frame only, so an animated WebP is refused rather than cut to its first frame. A JPEG is re-encoded at
/// the quality ImageSharp estimates from the original's quantisation tables. An EXIF orientation is applied to the
/// pixels before the EXIF block goes, so a photo stays upright. Removing the ICC profile can shift the colours of a
/// wide-gamut image: the price of removing everything that is not the picture.
/// </remarks>
internal sealed class ImageReencoder(DisarmOptions options)
{
    private sealed record Plan(string SourceMediaType, string Extension, string MediaType, Func<IImageEncoder> Encoder);

    private static readonly Dictionary<string, Plan> Plans = new(StringComparer.Ordinal)
    {
        ["png"] = new("image/png", ".png", "image/png", () => new PngEncoder()),
        ["jpeg"] = new("image/jpeg", ".jpg", "image/jpeg", () => new JpegEncoder()),
        ["gif"] = new("image/gif", ".gif", "image/gif", () => new GifEncoder()),
        ["webp"] = new("image/webp", ".webp", "image/webp", () => new WebpEncoder()),
        ["tiff"] = new("image/tiff", ".tiff", "image/tiff", () => new TiffEncoder()),
        ["bmp"] = new("image/bmp", ".png", "image/png", () => new PngEncoder()),
    };

    public static bool Handles(string kindId) => Plans.ContainsKey(kindId);

    public static string Library { get; } = "ImageSharp " + (typeof(Image).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "2");

    public static string ExtensionFor(string kindId) => Plans[kindId].Extension;

    /// <summary>Writes the clean image to <paramref name="outputPath"/>; returns a failure's detail, or null and what was written.</summary>
    public (string? Failure, string MediaType, string Detail) Reencode(string inputPath, string outputPath, string kindId,
        CancellationToken ct)
    {
        var plan = Plans[kindId];
        var configuration = Configuration.Default.Clone();
        // Pixels at up to 8 bytes (16 bits per channel, RGBA) for every frame, plus room for decoder scratch.
        configuration.MemoryAllocator = new BudgetMemoryAllocator(checked(options.MaxImagePixels * 8 + (16L << 20)));

        using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(configuration, input, out format);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (Unreadable(e), "", "");
        }
        if (info is null || format is null) return ("ImageSharp does not recognise the image", "", "");
        if (!format.MimeTypes.Contains(plan.SourceMediaType, StringComparer.OrdinalIgnoreCase))
        {
            return ($"the content is {format.Name}, not {kindId}", "", "");
        }
        var canvas = (long)info.Width * info.Height;
        if (canvas > options.MaxImagePixels)
        {
            // Refused on the header's word, before a single pixel is allocated.
            return ($"{info.Width:N0} x {info.Height:N0} = {canvas:N0} pixels, more than the limit of {options.MaxImagePixels:N0}",
                "", "");
        }

        ct.ThrowIfCancellationRequested();
        input.Position = 0;
        Image image;
        try
        {
            image = Image.Load(configuration, input);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (Unreadable(e), "", "");
        }

        using (image)
        {
            var frames = image.Frames.Count;
            if (canvas * frames > options.MaxImagePixels)
            {
                return ($"{frames:N0} frames of {canvas:N0} pixels, more than the limit of {options.MaxImagePixels:N0}", "", "");
            }
            if (kindId == "webp" && frames > 1)
            {
                return ($"an animated WebP ({frames} frames) cannot be re-encoded: {Library} writes one frame", "", "");
            }

            ct.ThrowIfCancellationRequested();
            image.Mutate(x => x.AutoOrient());
            RemoveMetadata(image);
            ct.ThrowIfCancellationRequested();
            using (var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                image.Save(output, plan.Encoder());
            }
            var what = frames == 1 ? "" : $", {frames} frames";
            return (null, plan.MediaType, $"{image.Width} x {image.Height} pixels{what}; all metadata removed");
        }
    }

    public static string Method(string kindId) => $"{Library} re-encode {Plans[kindId].Extension.TrimStart('.')}";

    private static void RemoveMetadata(Image image)
    {
        var metadata = image.Metadata;
        metadata.ExifProfile = null;
        metadata.XmpProfile = null;
        metadata.IccProfile = null;
        metadata.IptcProfile = null;
        metadata.GetPngMetadata().TextData.Clear();
        metadata.GetGifMetadata().Comments.Clear();
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.XmpProfile = null;
            frame.Metadata.IccProfile = null;
            frame.Metadata.IptcProfile = null;
        }
    }

    private static string Unreadable(Exception e)
    {
        // ImageSharp wraps an allocation refusal in InvalidImageContentException; the refusal is the reason.
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is InvalidMemoryOperationException memory) return $"the image is refused: {memory.Message}";
        }
        return $"the image cannot be decoded ({e.GetType().Name}: {e.Message})";
    }
}
