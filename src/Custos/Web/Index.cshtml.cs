using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
