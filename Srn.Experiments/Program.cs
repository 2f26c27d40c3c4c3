using System.CommandLine;
using Srn.Experiments.Sweep;

namespace Srn.Experiments;

/// <summary>The <c>srn</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("srn: multi-label image classification experiments (SRN, KD-WSD, DSRB) on libtorch.");
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
        return root.Parse(args).Invoke();
    }
}
