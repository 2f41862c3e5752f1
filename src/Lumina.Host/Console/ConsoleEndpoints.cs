using Lumina.Host.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

// Not Lumina.Host.Console: a namespace of that name would hide System.Console from all of Lumina.Host.
namespace Lumina.Host.WebConsole;

/// <summary>
/// The web console at <c>/console</c>: static files (<c>wwwroot/console</c> beside the program) over the HTTP API.
/// </summary>
/// <remarks>
/// Only the files are anonymous; every piece of data the console shows comes from <c>/v1/…</c> with the signed-in
/// user's bearer token, authorized like any other client. The files are served with a strict Content-Security-Policy
/// (no inline script or style, no other origin, no framing): server text the page shows can never run as script even
/// if a bug rendered it as markup. Paths without a file extension are the console's client-side routes and get
/// <c>index.html</c>; a missing file is 404.
/// </remarks>
internal static class ConsoleEndpoints
{
    /// <summary>Where the console is served.</summary>
    public const string Path = "/console";

    /// <summary>
    /// Scripts and styles only from this origin; data only from this origin's API; images and sounds of tool results as
    /// <c>data:</c> URLs.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly FileExtensionContentTypeProvider s_types = new();

    /// <summary>Maps <c>/console</c> unless <c>Lumina:Http:Console</c> is false.</summary>
    public static void MapLuminaConsole(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<HttpHostOptions>>().Value.Console)
        {
            return;
        }

        var root = app.Environment.WebRootFileProvider;
        app.MapMethods(Path + "/{**path}", [HttpMethods.Get, HttpMethods.Head], (string? path, HttpContext context) => Serve(root, path, context))
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    private static IResult Serve(IFileProvider root, string? path, HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (ETag/Last-Modified make that a 304): an upgraded host never runs yesterday's script.
        headers.CacheControl = "no-cache";

        var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
        var file = root.GetFileInfo("console/" + relative);
        if (!file.Exists || file.IsDirectory)
        {
            if (System.IO.Path.HasExtension(relative))
            {
                return Results.NotFound();
            }

            // A client route (#/… is never sent, but /console/audit is): the app itself.
            file = root.GetFileInfo("console/index.html");
            if (!file.Exists)
            {
                return Results.Problem("The console's files are not beside the program (wwwroot/console is missing from this build).", statusCode: 404, title: "Not found");
            }
        }

        if (file.PhysicalPath is null)
        {
            return Results.NotFound();
        }

        var type = s_types.TryGetContentType(file.Name, out var known) ? known : "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/json")
        {
            type += "; charset=utf-8";
        }

        var tag = new EntityTagHeaderValue("\"" + file.LastModified.UtcTicks.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "-" + file.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\"");
        return Results.File(file.PhysicalPath, type, lastModified: file.LastModified, entityTag: tag);
    }
}
