using System.Diagnostics;
using System.Text;
using Custos.Core.Sluice.Disarm;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>
/// Images leave as the same picture without metadata, upright, and decompression bombs are refused on their header or
/// by the memory ceiling, never by exhausting the server.
/// </summary>
public sealed class DisarmImageTests : IDisposable
{
    private readonly Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task DisarmAsync_PngWithTextChunk_ReencodedWithoutIt()
    {
        using var image = Picture(40, 30);
        image.Metadata.GetPngMetadata().TextData.Add(new PngTextData("Author", "secret", "", ""));
        var original = Encode(image, new PngEncoder());
        Assert.Contains("tEXt", Encoding.Latin1.GetString(original));
        Assert.Contains("secret", Encoding.Latin1.GetString(original));

        var result = await Disarm(original, "Foto.png", "png");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal("Foto.png", result.OutputFileName);
        Assert.Equal("image/png", result.MediaType);
        var disarmed = await File.ReadAllBytesAsync(result.OutputPath!);
        var raw = Encoding.Latin1.GetString(disarmed);
        Assert.DoesNotContain("secret", raw);
        Assert.DoesNotContain("tEXt", raw);
        using var back = Image.Load<Rgba32>(disarmed);
        Assert.Equal((40, 30), (back.Width, back.Height));
        Assert.Equal(image[7, 5], back[7, 5]);
    }

    [Fact]
    public async Task DisarmAsync_JpegWithExif_ReencodedWithoutIt()
    {
        using var image = Picture(64, 48);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Artist, "secret");
        image.Metadata.ExifProfile.SetValue(ExifTag.GPSLatitudeRef, "N");
        var original = Encode(image, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder());
        Assert.Contains("Exif", Encoding.Latin1.GetString(original));
        Assert.Contains("secret", Encoding.Latin1.GetString(original));

        var result = await Disarm(original, "urlaub.jpeg", "jpeg");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal("urlaub.jpg", result.OutputFileName);
        Assert.Equal("image/jpeg", result.MediaType);
        var disarmed = await File.ReadAllBytesAsync(result.OutputPath!);
        Assert.DoesNotContain("secret", Encoding.Latin1.GetString(disarmed));
        Assert.DoesNotContain("Exif", Encoding.Latin1.GetString(disarmed));
        using var back = Image.Load(disarmed);
        Assert.Equal((64, 48), (back.Width, back.Height));
        Assert.Null(back.Metadata.ExifProfile);
    }

    [Fact]
    public async Task DisarmAsync_JpegRotatedByExif_IsTurnedUprightBeforeTheTagGoes()
    {
        using var image = Picture(64, 48);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // shown turned 90 degrees clockwise

        var result = await Disarm(Encode(image, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder()), "hochkant.jpg", "jpeg");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        using var back = Image.Load(result.OutputPath!);
        Assert.Equal((48, 64), (back.Width, back.Height));
    }

    [Fact]
    public async Task DisarmAsync_Bmp_BecomesPngWithTheSamePixels()
    {
        using var image = Picture(20, 10);

        var result = await Disarm(Encode(image, new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder()), "scan.bmp", "bmp");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal("scan.png", result.OutputFileName);
        Assert.Equal("image/png", result.MediaType);
        using var back = Image.Load<Rgba32>(result.OutputPath!);
        Assert.Equal(image[3, 4], back[3, 4]);
    }

    [Fact]
    public async Task DisarmAsync_ImageClaimingTenBillionPixels_FailsQuicklyOnItsHeader()
    {
        var clock = Stopwatch.StartNew();

        var result = await Disarm(TestDocuments.PngHeaderOnly(100_000, 100_000), "bomb.png", "png");

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Equal("100,000 x 100,000 = 10,000,000,000 pixels, more than the limit of 100,000,000", result.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task DisarmAsync_GifOfManyFramesOnALargeCanvas_StopsAtTheMemoryCeiling()
    {
        // The header says 1,000 x 1,000, well within 2,000,000 pixels; decoded, 400 frames would take 1.6 GB.
        var bomb = TestDocuments.GifFrameBomb(side: 1000, frames: 400);

        var result = await Disarm(bomb, "animation.gif", "gif", new DisarmOptions { MaxImagePixels = 2_000_000 });

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Contains("decoding needs more than", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_GifWithFewFrames_KeepsEveryFrame()
    {
        var result = await Disarm(TestDocuments.GifFrameBomb(side: 50, frames: 3), "klein.gif", "gif");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        using var back = Image.Load(result.OutputPath!);
        Assert.Equal(3, back.Frames.Count);
    }

    [Fact]
    public async Task DisarmAsync_PngLabelledJpeg_Fails()
    {
        using var image = Picture(8, 8);

        var result = await Disarm(Encode(image, new PngEncoder()), "x.jpg", "jpeg");

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Contains("not jpeg", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_TruncatedPng_FailsWithoutThrowing()
    {
        using var image = Picture(200, 200);
        var png = Encode(image, new PngEncoder());

        var result = await Disarm(png[..(png.Length / 2)], "cut.png", "png");

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.Empty(Directory.GetFiles(scratch.Work, "disarmed.*"));
    }

    private Task<DisarmResult> Disarm(byte[] content, string name, string kind, DisarmOptions? options = null) =>
        new Disarmer(options ?? new DisarmOptions()).DisarmAsync(scratch.Input(content), name, kind, scratch.Work);

    /// <summary>A picture with distinct pixels, so a re-encoding that lost or moved them shows.</summary>
    private static Image<Rgba32> Picture(int width, int height)
    {
        var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++) image[x, y] = new Rgba32((byte)(x * 6), (byte)(y * 5), (byte)((x + y) * 3), 255);
        }
        return image;
    }

    private static byte[] Encode(Image image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        return buffer.ToArray();
    }
}
