using System.CommandLine;

namespace Srn.Tests.TestSupport;

/// <summary>Runs <c>srn</c> commands in-process and captures what they print, to stdout, stderr and Spectre.Console alike.</summary>
internal static class CommandRun
{
    /// <summary>Parses and invokes <paramref name="args"/> against a root with <paramref name="commands"/>.</summary>
    /// <param name="commands">The commands under test.</param>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code and the captured output and error text.</returns>
    public static (int Code, string Output, string Error) Invoke(Command[] commands, params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var (oldOut, oldError, oldAnsi) = (Console.Out, Console.Error, Spectre.Console.AnsiConsole.Console);
        Console.SetOut(output);
        Console.SetError(error);
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(output) });
        try
        {
            var code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            Spectre.Console.AnsiConsole.Console = oldAnsi;
        }
    }
}
