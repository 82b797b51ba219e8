namespace Custos.Core.Common;

/// <summary>An expected failure: a stable code (also the key of its user-facing text) and an English message for logs and the API.</summary>
public sealed record Error(string Code, string Message);

/// <summary>The outcome of an operation whose failures are expected; exceptions stay for bugs and faults.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Error? error) => (Value, Error) = (value, error);

    public T? Value { get; }
    public Error? Error { get; }
    public bool Succeeded => Error is null;

    public static Result<T> Ok(T value) => new(value, null);
    public static Result<T> Fail(Error error) => new(default, error);

    public static implicit operator Result<T>(Error error) => Fail(error);
    public static implicit operator Result<T>(T value) => Ok(value);
}
