using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Srn.Experiments.Results;
using Srn.Experiments.Runs;
using Srn.PartialLabels.Runs;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;

namespace Srn.Experiments.Sweep;

/// <summary>
/// Runs a sweep's jobs one after the other. Each finished run's rows go to <c>results.csv</c> and <c>per_class_ap.csv</c>
/// at once (atomically, replacing any rows of that run), then the summary and plot are rewritten; each run checkpoints
/// every epoch under <c>runs/&lt;run_id&gt;/</c>, so a killed sweep loses at most part of one run and <c>--resume</c>
/// continues it exactly.
/// </summary>
internal sealed class SweepRunner(SweepConfig config, string outDir, bool resume, (int Index, int Count)? shard, string? parallelText = null, IReadOnlyList<string>? arguments = null)
{
    /// <summary>The name of a run's own rows in its directory (the rows it adds to the sweep's <c>results.csv</c>).</summary>
    public const string RunResultsFile = ResultsCsv.FileName;

    /// <summary>The name of a run's own per-class rows in its directory.</summary>
    public const string RunPerClassFile = PerClassApCsv.FileName;

    // libtorch threads of a run in a child process: the configured count, else one.
    private int ChildThreads => config.Run.Threads ?? 1;

    public IReadOnlyList<SummaryRow> Run(CancellationToken token)
    {
        var store = new ResultsStore(outDir);
        if (!resume && (File.Exists(store.ResultsPath) || Directory.Exists(Path.Combine(outDir, "runs"))))
        {
            throw new IOException($"{Path.GetFullPath(outDir)} already holds a sweep. Add --resume to continue it, or choose another --out.");
        }

        var previousConfig = Path.Combine(outDir, "config.yaml");
        if (resume && File.Exists(previousConfig))
        {
            var previous = SweepConfig.Load(previousConfig);
            var common = previous.Methods.Intersect(config.Methods).ToArray();
            var before = previous.TrainingSettings(common);
            var now = config.TrainingSettings(common);
            var changed = before.Except(now).Concat(now.Except(before)).ToArray();
            if (changed.Length > 0)
            {
                throw new InvalidDataException(
                    $"{Path.GetFullPath(previousConfig)}: --resume needs the sweep's training settings unchanged (methods, proportions and seeds may grow). " +
                    $"Was: {string.Join("; ", before.Except(now))}. Now: {string.Join("; ", now.Except(before))}. Use another --out for other settings.");
            }
        }

        // Each method built once with its options (then dropped): a bad option fails now, before data or any file.
        foreach (var method in config.Methods)
        {
            RunExecutor.CheckMethod(config.RunOf(new SweepJob(0, method, 1.0, 0)));
        }

        var device = DeviceOption.Parse(config.Run.Device);
        var source = DataSource.Open(config.Run, line => AnsiConsole.MarkupLine(Markup.Escape(line)));
        using var sweepLock = RunLock.Acquire(outDir, "srn sweep");
        var versions = new Dictionary<string, string>
        {
            ["srn"] = BuildInfo.Version,
            ["commit"] = BuildInfo.Commit,
            ["libtorch"] = LibTorch.Version,
            ["device"] = device.ToString(),
            ["blas"] = LibTorch.BlasLibrary,
            ["shard"] = shard is { } sh ? $"{sh.Index}/{sh.Count}" : "all",
            ["preset"] = config.Preset,
            ["data"] = source.Description,
            ["data_fingerprint"] = source.Fingerprint,
            ["data_generation"] = source.Generation,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "config.yaml"), config.ToYaml(versions));

        // An unsharded --resume first takes in what its shards (OUT/shard-i-of-N) finished, so it runs only the rest.
        if (resume && shard is null)
        {
            var shardDirs = Directory.GetDirectories(outDir, "shard-*-of-*").Where(d => File.Exists(Path.Combine(d, "results.csv"))).Order(StringComparer.Ordinal).ToArray();
            if (shardDirs.Length > 0)
            {
                ShardMerge.Merge(outDir, shardDirs, config.Baseline);
                AnsiConsole.MarkupLine(Markup.Escape($"took in the finished runs of {string.Join(", ", shardDirs.Select(Path.GetFileName))}"));
            }
        }

        var jobs = SweepJob.All(config).Where(j => shard is not { } s || j.Index % s.Count == s.Index).ToArray();
        var finished = store.FinishedRuns();
        var records = jobs.ToDictionary(j => j, j => RunRecord.Of(config.RunOf(j), source));
        var pending = jobs.Where(j => !finished.Contains(records[j].RunId)).ToArray();
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"srn sweep ({config.Preset}): {source.Description}; {string.Join(", ", config.Methods)} x {config.Proportions.Count} proportions x {config.Seeds.Count} seed(s) = {jobs.Length} runs ({jobs.Length - pending.Length} done), {config.Run.Backbone}, {config.Run.Epochs} epochs, {PrecisionText(config.Run)}, {device}, libtorch {LibTorch.Version}")));
        AnsiConsole.MarkupLine($"output: [green]{Markup.Escape(Path.GetFullPath(outDir))}[/]");

        // Runs a killed sweep finished (their rows in the run directory) but did not record are taken in, not trained again.
        pending = pending.Where(j => !TakeInFinished(store, records[j])).ToArray();
        var parallel = ParallelRuns.Resolve(parallelText, config, pending.Length, Environment.ProcessorCount);
        if (parallel > 1)
        {
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{parallel} runs at once, each in its own process with {ChildThreads} libtorch thread(s) (--parallel; the same results as one at a time)")));
        }

        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var sweepTask = ctx.AddTask("sweep", maxValue: Math.Max(1, pending.Length));
                if (parallel > 1)
                {
                    RunParallel(ctx, sweepTask, store, pending, records, parallel, token);
                }
                else
                {
                    RunSerial(ctx, sweepTask, store, pending, records, source, token);
                }

                sweepTask.Value = sweepTask.MaxValue;
            });

        var summary = ResultsReport.Write(outDir, config.Baseline);
        SummaryTable.Write(AnsiConsole.Console, summary);
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{pending.Length} runs in {clock.Elapsed.TotalMinutes:F1} min; results in {Path.GetFullPath(outDir)}")));
        return summary;
    }

    /// <summary>
    /// The child side of <c>--parallel</c> (<c>--run-worker</c>): reads run ids from stdin, one per line, and trains each
    /// into its directory, with its rows beside the checkpoint; reports progress and each run's end as
    /// <see cref="RunWorkerProcess"/> lines on stdout. The parent holds the sweep's lock and records the rows.
    /// </summary>
    /// <param name="token">Stops it.</param>
    /// <exception cref="ArgumentException">When a run id is not one of this sweep's.</exception>
    public void RunWorker(CancellationToken token)
    {
        var source = DataSource.Open(config.Run, _ => { });
        var records = SweepJob.All(config).Select(j => RunRecord.Of(config.RunOf(j), source)).ToDictionary(r => r.RunId, StringComparer.Ordinal);
        var progress = new LineProgress(p => Console.Out.WriteLine(RunWorkerProcess.FormatProgress(p.Epoch, p.TotalEpochs, p.Batch, p.Batches)));
        while (Console.In.ReadLine() is { } runId)
        {
            token.ThrowIfCancellationRequested();
            var record = records.GetValueOrDefault(runId) ?? throw new ArgumentException($"--run-worker: '{runId}' is not a run of this sweep.");
            RunOne(record, source, progress, token);
            Console.Out.WriteLine(RunWorkerProcess.DonePrefix + runId);
            Console.Out.Flush();
        }
    }

    private void RunSerial(ProgressContext ctx, ProgressTask sweepTask, ResultsStore store, SweepJob[] pending, Dictionary<SweepJob, RunRecord> records, DataSource source, CancellationToken token)
    {
        var epochTask = ctx.AddTask("run", maxValue: 1);
        foreach (var job in pending)
        {
            token.ThrowIfCancellationRequested();
            epochTask.Description = Markup.Escape(JobText(job));
            var progress = new Progress<TrainingProgress>(p =>
            {
                epochTask.MaxValue = (double)p.TotalEpochs * p.Batches;
                epochTask.Value = ((p.Epoch - 1) * (double)p.Batches) + p.Batch;
            });
            var clock = Stopwatch.StartNew();
            var (rows, perClass) = RunOne(records[job], source, progress, token);
            Record(store, rows, perClass, clock.Elapsed);
            sweepTask.Increment(1);
        }

        epochTask.Value = epochTask.MaxValue;
    }

    // `parallel` child processes, each given the next job as soon as it is idle; the first failure stops the others
    // (their checkpoints stay, so --resume continues them). Rows are recorded as runs end and put in job order at the end.
    private void RunParallel(ProgressContext ctx, ProgressTask sweepTask, ResultsStore store, SweepJob[] pending, Dictionary<SweepJob, RunRecord> records, int parallel, CancellationToken token)
    {
        var args = arguments ?? throw new InvalidOperationException("a parallel sweep needs its command line");
        // The baseline's runs (usually the cheapest: a plain ResNet) go last, so the processes run out of work together
        // instead of one training the last long run alone; the files are put in job order at the end either way.
        var queue = new Queue<SweepJob>(pending.OrderBy(j => j.Method == config.Baseline ? 1 : 0));
        var workers = Enumerable.Range(0, parallel).Select(_ => RunWorkerProcess.Start(args, ChildThreads)).ToArray();
        var busy = new Dictionary<Task<string>, (RunWorkerProcess Worker, ProgressTask Task, Stopwatch Clock, string RunId)>();
        try
        {
            while (queue.Count > 0 || busy.Count > 0)
            {
                foreach (var worker in workers.Where(w => !busy.Values.Any(b => b.Worker == w)))
                {
                    if (queue.Count == 0)
                    {
                        break;
                    }

                    var job = queue.Dequeue();
                    var task = ctx.AddTask(Markup.Escape(JobText(job)), maxValue: 1);
                    var training = worker.Train(records[job].RunId, (epoch, epochs, batch, batches) =>
                    {
                        task.MaxValue = (double)epochs * batches;
                        task.Value = ((epoch - 1) * (double)batches) + batch;
                    });
                    busy.Add(training, (worker, task, Stopwatch.StartNew(), records[job].RunId));
                }

                var ended = busy.Keys.ToArray()[Task.WaitAny([.. busy.Keys], token)];
                var (_, doneTask, clock, runId) = busy[ended];
                busy.Remove(ended);
                if (ended.Exception?.InnerException is WorkerExitedException failed)
                {
                    token.ThrowIfCancellationRequested();
                    var runDir = RunDirectory(runId);
                    throw failed.ExitCode == 130
                        ? new OperationCanceledException()
                        : new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"run {runId} failed: {failed.Message} (its log: {Path.Combine(runDir, "log.txt")}; the other runs were stopped, --resume continues)"));
                }

                var (rows, perClass) = ReadRunRows(RunDirectory(runId));
                Record(store, rows, perClass, clock.Elapsed);
                doneTask.Value = doneTask.MaxValue;
                doneTask.StopTask();
                sweepTask.Increment(1);
            }

            foreach (var worker in workers)
            {
                worker.Finish();
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }

        // The order a serial sweep writes: earlier runs as they were, then this sweep's runs in job order.
        var order = pending.Select((j, i) => (records[j].RunId, i)).ToDictionary(x => x.RunId, x => x.i, StringComparer.Ordinal);
        int Key(string runId) => order.TryGetValue(runId, out var i) ? i : -1;
        store.WriteAll(store.ReadResults().OrderBy(r => Key(r.RunId)), store.ReadPerClassAp().OrderBy(r => Key(r.RunId)));
    }

    // A run whose directory holds its rows and a checkpoint of the same run finished: record it without training.
    private bool TakeInFinished(ResultsStore store, RunRecord record)
    {
        var runDir = RunDirectory(record.RunId);
        var checkpoint = Path.Combine(runDir, "checkpoint.safetensors");
        if (!File.Exists(Path.Combine(runDir, RunResultsFile)) || !File.Exists(checkpoint))
        {
            return false;
        }

        record.CheckSameRun(checkpoint);
        var (rows, perClass) = ReadRunRows(runDir);
        store.AddRun(rows, perClass);
        AnsiConsole.MarkupLine(Markup.Escape($"took in the finished run {record.RunId} (its rows were in its directory)"));
        return true;
    }

    private static (IReadOnlyList<ResultRow> Rows, IReadOnlyList<PerClassApRow> PerClass) ReadRunRows(string runDir) =>
        (ResultsCsv.Read(Path.Combine(runDir, RunResultsFile)), PerClassApCsv.Read(Path.Combine(runDir, RunPerClassFile)));

    private void Record(ResultsStore store, IReadOnlyList<ResultRow> rows, IReadOnlyList<PerClassApRow> perClass, TimeSpan elapsed)
    {
        store.AddRun(rows, perClass);
        ResultsReport.Write(outDir, config.Baseline);
        var last = rows[^1];
        AnsiConsole.MarkupLine(Markup.Escape(ResultLine(last, elapsed)));
    }

    private static string ResultLine(ResultRow last, TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"{last.Method,-12} p={RunSettings.Format(last.Proportion)}  seed {last.Seed}  mAP {last.Map:F2}  CF1 {last.CF1:F2}  OF1 {last.OF1:F2}  {elapsed.TotalSeconds:F0} s");

    private static string JobText(SweepJob job) => $"{job.Method} p={RunSettings.Format(job.Proportion)} seed {job.Seed}";

    private string RunDirectory(string runId) => Path.Combine(outDir, "runs", runId);

    /// <summary>"bf16 + channels-last (auto: this CPU computes bf16 natively)": the arithmetic, and why when it was chosen for this machine.</summary>
    private static string PrecisionText(RunConfiguration run)
    {
        var text = run.ResolvedPrecision + (run.ChannelsLast ? " + channels-last" : "");
        return run.Precision != "auto" ? text
            : text + (run.ResolvedPrecision == "bf16" ? " (auto: this CPU computes bf16 natively)" : " (auto: no native bf16 on this CPU or device)");
    }

    private (List<ResultRow> Rows, List<PerClassApRow> PerClass) RunOne(RunRecord record, DataSource source, IProgress<TrainingProgress> progress, CancellationToken token)
    {
        var spec = record.Configuration;
        var (setup, data) = RunExecutor.Prepare(spec, source);
        var runId = record.RunId;
        var runDir = RunDirectory(runId);
        Directory.CreateDirectory(runDir);
        var checkpoint = Path.Combine(runDir, "checkpoint.safetensors");
        var resuming = File.Exists(checkpoint);
        if (resuming)
        {
            record.CheckSameRun(checkpoint);
        }

        AtomicFile.WriteAllText(Path.Combine(runDir, "config.yaml"), record.ToYaml());
        using var log = new StreamWriter(Path.Combine(runDir, "log.txt"), append: true);
        log.WriteLine($"run {runId}: {setup.Method} {setup.Backbone} {setup.ImageSize}px p={RunSettings.Format(spec.Proportion)} seed {spec.Seed} epochs {setup.Epochs} ({DateTime.UtcNow:u})");
        if (config.ShareTeachers)
        {
            setup = TeacherSharing.Apply(setup, data, spec, source.Name, outDir, progress, text =>
            {
                log.WriteLine(text);
                AnsiConsole.MarkupLine(Markup.Escape(text));
            }, token);
        }

        using var method = RunExecutor.Build(setup with { Log = log.WriteLine });
        method.Model.To(DeviceOption.Parse(spec.Device));
        var clock = Stopwatch.StartNew();
        var options = RunExecutor.Options(spec, checkpoint, resuming, record, progress, r =>
        {
            log.WriteLine(EpochLog.Line(r, method.Stages.Sum(s => s.Epochs)));
            log.Flush();
        });
        var history = Trainer.Fit(method, data, options, token);
        EpochLog.WriteCsv(Path.Combine(runDir, "epochs.csv"), history);
        var rows = new List<ResultRow>();
        var perClass = new List<PerClassApRow>();
        double elapsed = 0;
        foreach (var e in history.Where(h => h.Metrics is not null))
        {
            var m = e.Metrics!;
            elapsed += e.Seconds;
            rows.Add(new ResultRow
            {
                RunId = runId, Dataset = source.Name, Method = spec.Method, Backbone = spec.Backbone, ImageSize = setup.ImageSize,
                Proportion = spec.Proportion, Seed = spec.Seed, Epoch = e.Epoch, Map = m.Map, MapNonInterp = m.MapNonInterpolated,
                CP = m.CP, CR = m.CR, CF1 = m.CF1, OP = m.OP, OR = m.OR, OF1 = m.OF1, Top3CP = m.CP3, Top3CR = m.CR3, Top3CF1 = m.CF1_3,
                Top3OP = m.OP3, Top3OR = m.OR3, Top3OF1 = m.OF1_3, TrainLoss = e.TrainLoss, Seconds = elapsed, Device = DeviceOption.Parse(spec.Device).ToString(),
                Settings = RunSettingCells.Of(spec, record.Identity),
            });
            perClass.AddRange(m.ClassAp.Select((ap, c) => new PerClassApRow(runId, e.Epoch, setup.ClassNames[c], ap)));
        }

        var last = history[^1];
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Method,-12} p={RunSettings.Format(spec.Proportion)}  seed {spec.Seed}  mAP {last.Metrics?.Map:F2}  CF1 {last.Metrics?.CF1:F2}  OF1 {last.Metrics?.OF1:F2}  {clock.Elapsed.TotalSeconds:F0} s"));

        // The run's own rows beside its checkpoint: what a child process hands to the parent, and what a killed sweep's
        // --resume takes in without training again. Per-class first: the results file marks the run finished.
        AtomicFile.WriteAllText(Path.Combine(runDir, RunPerClassFile), PerClassApCsv.Format(perClass));
        AtomicFile.WriteAllText(Path.Combine(runDir, RunResultsFile), ResultsCsv.Format(rows));
        return (rows, perClass);
    }

    // Progress reported on the calling thread, in order (Progress<T> posts to the thread pool).
    private sealed class LineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
