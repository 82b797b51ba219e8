using System.CommandLine;

namespace Custos.Commands;

/// <summary>Builds the verbs of one administration noun; each verb gets --data and --db and runs on the local services.</summary>
public sealed class AdminCommandBuilder(string name, string description, TextWriter error)
{
    private readonly Command command = new(name, description);

    public AdminCommandBuilder Verb(string verb, string description, IReadOnlyList<Symbol> symbols,
        Func<ParseResult, IServiceProvider, CancellationToken, Task<int>> action)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var sub = new Command(verb, description) { data, db };
        foreach (var symbol in symbols)
        {
            if (symbol is Option option) sub.Options.Add(option);
            else if (symbol is Argument argument) sub.Arguments.Add(argument);
        }
        sub.SetAction((parse, ct) => CommandRunner.RunLocalAsync(parse, data, db, error, services => action(parse, services, ct), ct));
        command.Subcommands.Add(sub);
        return this;
    }

    public Command Build() => command;
}
