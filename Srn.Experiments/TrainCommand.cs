using System.CommandLine;
using Srn.Experiments.Runs;
using Srn.PartialLabels.Runs;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;

namespace Srn.Experiments;

/// <summary>
/// <c>srn train --method resnet|srn|... [--proportion p]</c>: one training run on FashionScenes (generated on first use)
/// or on manifests; writes <c>OUT/checkpoint.safetensors</c> (resumable, evaluable, with the run's record), and after every
/// epoch <c>OUT/epochs.csv</c> and <c>OUT/config.yaml</c>; <c>OUT/log.txt</c> collects the console lines.
/// </summary>
/// <remarks>
/// A run directory holds one run. It is locked while training (<see cref="RunLock"/>). Where a checkpoint exists, the
/// command continues it with <c>--resume</c> (refused when any result-affecting setting differs from the checkpoint's
/// record, listing each) or starts over with <c>--force</c>; the old checkpoint is replaced only when the new run's first
/// epoch has written its own, so a new run that fails early leaves the old one whole.
/// </remarks>
internal static class TrainCommand
{
    public static Command Create()
    {
        var o = new RunOptions(new RunConfiguration());
        var outOption = new Option<string?>("--out") { Description = "Run directory (default runs/train/<run id>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in OUT from its checkpoint (same settings only)." };
        var force = new Option<bool>("--force") { Description = "Start over in an OUT that holds a run (its checkpoint is replaced after the new run's first epoch)." };
        var command = new Command("train", "Train one method (full or partial labels); writes a checkpoint, the epoch log, the run configuration and metrics.");
        o.AddTo(command);
        command.Options.Add(outOption);
        command.Options.Add(resume);
        command.Options.Add(force);
        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            if (parse.GetValue(resume) && parse.GetValue(force))
            {
                throw new RunConfigurationException("--resume and --force exclude each other: continue the run, or start it over.");
            }

            // Everything that can be checked without data first: a bad option must not wait for data generation.
            var config = o.Configuration(parse);
            DeviceOption.Parse(config.Device);
            RunExecutor.CheckMethod(config);
            var source = DataSource.Open(config, Console.Out.WriteLine);
            var record = RunRecord.Of(config, source);
            var dir = parse.GetValue(outOption) ?? Path.Combine("runs", "train", record.RunId);
            using var runLock = RunLock.Acquire(dir, "srn train");
            var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
            var resuming = false;
            var history = new List<EpochResult>();
            if (File.Exists(checkpoint))
            {
                if (parse.GetValue(resume))
                {
                    history.AddRange(record.CheckSameRun(checkpoint));
                    resuming = true;
                }
                else if (!parse.GetValue(force))
                {
                    throw new IOException($"{Path.GetFullPath(dir)} holds a run (checkpoint.safetensors): add --resume to continue it, --force to start over, or choose another --out.");
                }
            }

            var (setup, data) = RunExecutor.Prepare(config, source);
            var notes = new List<string>();
            using var method = RunExecutor.Build(setup with { Log = notes.Add });
            var total = method.Stages.Sum(s => s.Epochs);
            using var log = new StreamWriter(Path.Combine(dir, "log.txt"), append: true);
            void Log(string line)
            {
                Console.Out.WriteLine(line);
                log.WriteLine(line);
                log.Flush();
            }

            if (parse.GetValue(force) && File.Exists(checkpoint))
            {
                Log($"--force: a new run starts; the previous checkpoint stays until this run's first epoch is checkpointed ({DateTime.UtcNow:u})");
            }

            Log($"srn train {record.RunId}: {setup.Method} on {source.Description}; {setup.Backbone} at {setup.ImageSize}px, {total} epochs ({string.Join(", ", method.Stages.Select(s => $"{s.Name} {s.Epochs}"))}), batch {config.BatchSize}, seed {config.Seed}, proportion {RunSettings.Format(config.Proportion)} ({config.Protocol}), {config.Device}, libtorch {LibTorch.Version}{(resuming ? ", resuming" : "")}");
            notes.ForEach(Log);
            var options = RunExecutor.Options(config, checkpoint, resuming, record, null, r =>
            {
                // This epoch's checkpoint is written: the files that describe it follow, so the three always agree.
                history.Add(r);
                EpochLog.WriteCsv(Path.Combine(dir, "epochs.csv"), history);
                AtomicFile.WriteAllText(Path.Combine(dir, "config.yaml"), record.ToYaml());
                Log(EpochLog.Line(r, total));
            });
            Trainer.Fit(method, data, options, token);
            Log($"checkpoint {Path.GetFullPath(checkpoint)}");
        })));
        return command;
    }
}
