using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

public sealed class DeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
