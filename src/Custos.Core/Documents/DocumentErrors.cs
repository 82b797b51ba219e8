using Custos.Core.Common;

namespace Custos.Core.Documents;

public static class DocumentErrors
{
    /// <summary>Missing and "not yours" answer alike, so ids of other tenants reveal nothing.</summary>
    public static readonly Error NotFound = new("document.not_found", "No such document, version or folder.");
    public static readonly Error Forbidden = new("document.forbidden", "You do not have the right for this on these documents.");
    public static readonly Error Locked = new("document.locked", "The document is checked out by someone else.");
    public static readonly Error NotCheckedOut = new("document.not_checked_out", "Check the document out first; only the holder of the lock can add a version.");
    public static readonly Error AlreadyCheckedOut = new("document.already_checked_out", "You have checked this document out already.");
    public static readonly Error Conflict = new("document.conflict", "The document was changed meanwhile; reload it and try again.");
    public static readonly Error Integrity = new("document.integrity", "The stored content is missing or altered; the incident is in the audit log.");
    public static readonly Error NameTaken = new("document.name_taken", "A document of that name is in this folder already.");

    public static readonly Error Restricted = new("document.restricted",
        "The document is restricted by an erasure request (GDPR Art. 18): it is kept until its retention ends, and nobody may change it.");

    public static Error Invalid(string message) => new("document.invalid", message);
}
