using Custos.Core.Audit;
using Custos.Core.Common;

namespace Custos.Core.Documents;

/// <summary>Who acts on documents, and through which client ("web", "api", "cli").</summary>
public sealed record DocumentCaller(UserId User, string UserName, Actor Actor, string Client, bool IsAdministrator = false);
