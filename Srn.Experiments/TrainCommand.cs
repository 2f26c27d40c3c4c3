using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Experiments.Runs;
using Srn.Torch;
using Srn.Training;

namespace Srn.Experiments;

/// <summary>
/// <c>srn train --method resnet|srn|... [--proportion p]</c>: one training run on FashionScenes (generated on first use)
/// or on manifests; writes <c>OUT/checkpoint.safetensors</c> (resumable, evaluable), <c>OUT/epochs.csv</c> and <c>OUT/log.txt</c>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var o = new RunOptions();
        var outOption = new Option<string?>("--out") { Description = "Run directory (default runs/train/<run id>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from OUT/checkpoint.safetensors when it exists." };
        var command = new Command("train", "Train one method (full or partial labels); writes a checkpoint, the epoch log and metrics.");
        o.AddTo(command);
        command.Options.Add(outOption);
        command.Options.Add(resume);
        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var spec = o.Spec(parse);
            var source = o.Source(parse, line => AnsiConsole.MarkupLine(Markup.Escape(line)));
            var (setup, data) = RunExecutor.Prepare(spec, source);
            var dir = parse.GetValue(outOption) ?? Path.Combine("runs", "train", spec.RunId(source.Name, setup.ImageSize));
            Directory.CreateDirectory(dir);
            var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
            if (!parse.GetValue(resume) && File.Exists(checkpoint))
            {
                File.Delete(checkpoint);
            }

            using var method = RunExecutor.Build(setup);
            var total = method.Stages.Sum(s => s.Epochs);
            using var log = new StreamWriter(Path.Combine(dir, "log.txt"), append: parse.GetValue(resume));
            void Log(string line)
            {
                AnsiConsole.MarkupLine(Markup.Escape(line));
                log.WriteLine(line);
                log.Flush();
            }

            Log($"srn train: {setup.Method} on {source.Description}; {setup.Backbone} at {setup.ImageSize}px, {total} epochs ({string.Join(", ", method.Stages.Select(s => $"{s.Name} {s.Epochs}"))}), batch {spec.BatchSize}, seed {spec.Seed}, proportion {spec.Proportion.ToString("0.##", CultureInfo.InvariantCulture)}, {spec.Device}, libtorch {LibTorch.Version}");
            var history = new List<EpochResult>();
            var options = RunExecutor.Options(spec, checkpoint, null, r =>
            {
                history.Add(r);
                Log(EpochLog.Line(r, total));
            });
            var all = Trainer.Fit(method, data, options, token);
            EpochLog.WriteCsv(Path.Combine(dir, "epochs.csv"), all);
            Log($"checkpoint {Path.GetFullPath(checkpoint)}");
        })));
        return command;
    }
}
