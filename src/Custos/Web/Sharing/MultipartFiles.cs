using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Custos.Web.Sharing;

/// <summary>What the two routes that stream multipart/form-data (file drop, files for a link alone) share.</summary>
internal static class MultipartFiles
{
    /// <summary>A reader over the body when it is multipart/form-data with a sane boundary; null otherwise.</summary>
    public static MultipartReader? Reader(HttpRequest request)
    {
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        return boundary is { Length: > 0 and <= 200 } ? new MultipartReader(boundary, request.Body) : null;
    }

    /// <summary>The file name a file part carries (RFC 5987 form first); null for a part that is not a file or has no name.</summary>
    public static string? FileName(MultipartSection section)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) return null;
        var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        return string.IsNullOrEmpty(name) ? null : name;
    }
}
