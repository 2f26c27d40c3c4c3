using System.CommandLine;
using Spectre.Console;
using Srn.Experiments.Sweep;

namespace Srn.Experiments;

/// <summary>The <c>srn</c> command.</summary>
internal static class Program
{
    /// <summary><c>--verbose</c>, on every command: stack traces with errors.</summary>
    private static readonly Option<bool> VerboseOption = new("--verbose") { Description = "Show the stack trace with an error.", Recursive = true };

    private static int Main(string[] args)
    {
        ConfigureConsole();
        return Run(args);
    }

    /// <summary>Parses and runs a command line: parse errors are usage errors (one <c>error:</c> line each, exit 2).</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args)
    {
        var parse = Root().Parse(args);
        CommandGuard.Verbose = parse.GetValue(VerboseOption);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"error: {CommandGuard.OneLine(error.Message)}");
            }

            Console.Error.WriteLine("(srn --help lists the commands; srn COMMAND --help their options)");
            return CommandGuard.UsageError;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Commands report their own errors; this catches what escapes before a command body runs.
            return CommandGuard.Report(e, Console.Error);
        }
    }

    /// <summary>Every command.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Root()
    {
        var root = new RootCommand("srn: multi-label image classification experiments (SRN, KD-WSD, DSRB) on libtorch.");
        root.Options.Add(VerboseOption);
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(AttentionCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(MaskCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        return root;
    }

    // Colour and cursor movement only on a terminal: a log redirected to a file gets plain text (and NO_COLOR is honoured).
    private static void ConfigureConsole()
    {
        if (Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 })
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),
            });

            // Spectre wraps at the console's width (80 when redirected): a log line must stay one line.
            AnsiConsole.Profile.Width = 4096;
        }
    }
}
