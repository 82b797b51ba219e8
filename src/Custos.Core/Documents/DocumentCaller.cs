using Custos.Core.Audit;
using Custos.Core.Common;

namespace Custos.Core.Documents;

/// <summary>Who acts on documents, and through which client ("web", "api", "cli").</summary>
/// <param name="RightsStamp">The rights stamp read when the request was authenticated (tokens), saving a query in <see cref="DocumentAccessCache"/>.</param>
public sealed record DocumentCaller(UserId User, string UserName, Actor Actor, string Client, bool IsAdministrator = false, long? RightsStamp = null);
