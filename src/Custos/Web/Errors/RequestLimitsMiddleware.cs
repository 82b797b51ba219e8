using Microsoft.AspNetCore.Http.Features;

namespace Custos.Web.Errors;

/// <summary>
/// Bodies over the limit are refused with 413 problem details: at once when Content-Length says so, and when a chunked
/// body grows past the limit while an endpoint reads it (Kestrel then throws).
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, long maxBodyBytes)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        // Uploads (attachments, imports) get their own, larger limit; everything else keeps the small default.
        if (UploadLimits.For(context.Request.Path) is { } upload && feature is { IsReadOnly: false }) feature.MaxRequestBodySize = upload;
        var limit = feature?.MaxRequestBodySize ?? maxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }
        try
        {
            // Forms are buffered by the framework anyway; reading a chunked one here lets the limit answer 413 before
            // anti-forgery validation turns the failed read into a 400.
            // Not the routes that stream their files (the framework would spool them to disk in the clear).
            if (context.Request.ContentLength is null && context.Request.HasFormContentType && !UploadLimits.StreamsForm(context.Request.Path))
                await context.Request.ReadFormAsync(context.RequestAborted);
            await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await WriteTooLargeAsync(context, limit);
        }
    }

    private static Task WriteTooLargeAsync(HttpContext context, long limit)
    {
        context.Response.Headers.Connection = "close";
        return Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            detail: $"This endpoint accepts at most {limit} bytes.").ExecuteAsync(context);
    }
}
