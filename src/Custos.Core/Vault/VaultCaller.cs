using Custos.Core.Audit;
using Custos.Core.Common;

namespace Custos.Core.Vault;

/// <summary>Who acts on the vault, through which client, and whether this session proved a security key recently.</summary>
/// <param name="Client">"web", "api" or "cli": recorded with every reveal.</param>
/// <param name="IsAdministrator">May set the rights on a tenant's vault root (granting oneself is possible, and audited).</param>
/// <param name="RightsStamp">The rights stamp read when the request was authenticated, if it was (see <see cref="VaultAccessCache"/>).</param>
public sealed record VaultCaller(UserId User, Actor Actor, string Client, bool SteppedUp, bool IsAdministrator = false, long? RightsStamp = null);
