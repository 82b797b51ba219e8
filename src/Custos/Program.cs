using Custos.Commands;

return await CustosCommandLine.RunAsync(args, Console.Out, Console.Error);
