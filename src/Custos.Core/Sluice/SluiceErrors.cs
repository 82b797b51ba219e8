using Custos.Core.Common;

namespace Custos.Core.Sluice;

public static class SluiceErrors
{
    public static readonly Error NotFound = new("sluice.not_found", "No such file in quarantine.");
    public static readonly Error Forbidden = new("sluice.forbidden", "Only quarantine reviewers may do this.");
    public static readonly Error NotInReview = new("sluice.not_in_review", "The file is not waiting for a reviewer.");
    public static readonly Error SecondReviewer = new("sluice.second_reviewer",
        "A check flagged this file: a second reviewer must release it too (four eyes), and it cannot be the first.");
    public static readonly Error OwnUpload = new("sluice.own_upload", "Reviewers cannot release their own uploads.");
    public static readonly Error Invalid = new("sluice.invalid", "The sluice policy is not valid.");

    public static Error InvalidPolicy(string message) => new("sluice.invalid", message);
}
