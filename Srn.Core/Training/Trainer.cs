using System.Diagnostics;
using Srn.Data;
using Srn.Torch;
using Srn.Torch.Optim;

namespace Srn.Training;

/// <summary>
/// Runs a <see cref="TrainingMethod"/>'s stages: for each stage a fresh optimizer and schedule over the stage's
/// parameters (all others frozen), the stage's frozen modules in eval mode, one loss per batch from the method,
/// evaluation after each epoch, an atomic checkpoint after each epoch, and exact resume from it. On the CPU the same
/// seed gives the same model bit for bit, and training N epochs equals training K epochs and resuming for N - K.
/// </summary>
/// <remarks>
/// Exact resume rests on three things: the loader's order and augmentation are pure functions of (seed, epoch, index);
/// the methods' random choices come from <see cref="TrainingContext.BatchRandom"/>, a function of (seed, epoch, batch);
/// and libtorch's CPU generator (dropout) is saved in the checkpoint. Training runs on the calling thread, whose
/// libtorch thread count <see cref="TrainerOptions.Threads"/> sets (libtorch's setting is per thread).
/// </remarks>
public static class Trainer
{
    /// <summary>Trains a method to the end of its stages (or from its checkpoint on).</summary>
    /// <param name="method">The method, built from its setup (parameters initialised from the seed).</param>
    /// <param name="data">Training and evaluation data.</param>
    /// <param name="options">Seed, device, batches, checkpoint.</param>
    /// <param name="cancellationToken">Stops between batches; the last checkpoint stays valid.</param>
    /// <returns>Every epoch (restored ones from the checkpoint first).</returns>
    /// <exception cref="OperationCanceledException">When cancelled.</exception>
    /// <exception cref="InvalidDataException">When the checkpoint to resume from belongs to another method or class list.</exception>
    public static IReadOnlyList<EpochResult> Fit(TrainingMethod method, TrainingData data, TrainerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads is { } threads)
        {
            LibTorch.NumThreads = threads;
        }

        CheckData(method, data);
        MixedPrecision.Prepare(method.Model, options);
        var stages = method.Stages;
        var totalEpochs = stages.Sum(s => s.Epochs);
        var history = new List<EpochResult>();
        var startStage = 0;
        var startEpoch = 0;
        Dictionary<string, Tensor>? optimizerState = null;
        Dictionary<string, Tensor>? schedulerState = null;

        // Float16 needs loss scaling (its range is small); bfloat16 has float32's range and needs none.
        using var scaler = options.Precision == Precision.Fp16 ? new GradScaler() : null;

        // Training randomness (dropout) gets its own stream, independent of how many draws initialisation took.
        LibTorch.ManualSeed((ulong)SeedMix.Of(options.Seed, 31337));
        if (options.Resume && options.CheckpointPath is { } resumePath && File.Exists(resumePath))
        {
            using var checkpoint = TrainingCheckpoint.Load(resumePath);
            CheckResumable(method, checkpoint, resumePath);
            method.Model.LoadStateDict(checkpoint.ModelState);
            method.LoadExtraState(checkpoint.MethodState);
            history.AddRange(checkpoint.History);
            (startStage, startEpoch) = (checkpoint.Stage, checkpoint.StageEpochsDone);
            if (startEpoch >= stages[startStage].Epochs)
            {
                (startStage, startEpoch) = (startStage + 1, 0);
            }
            else
            {
                optimizerState = Detached(checkpoint.OptimizerState);
                schedulerState = Detached(checkpoint.SchedulerState);
            }

            if (scaler is not null && checkpoint.ScalerState is { Count: > 0 } scalerState)
            {
                scaler.LoadStateDict(scalerState);
            }

            if (checkpoint.RngState is { } rng)
            {
                LibTorch.SetRngState(rng);
            }
        }

        var boxes = method.TrainingBoxes;
        var loader = new DataLoader(
            boxes is null ? data.Train : DatasetViews.WithBoxes(data.Train, boxes), data.TrainTransform,
            DataLoaderOptions.ForTraining(options.BatchSize, options.Seed, options.Workers) with { IncludeBoxes = boxes is not null });
        if (loader.BatchCount == 0)
        {
            throw new ArgumentException($"The training split has {data.Train.Count} images, fewer than one batch of {options.BatchSize}.", nameof(data));
        }

        var clock = Stopwatch.StartNew();
        var epochsRun = 0;
        var epochsLeft = totalEpochs - stages.Take(startStage).Sum(s => s.Epochs) - startEpoch;
        for (var s = startStage; s < stages.Count; s++)
        {
            var stage = stages[s];
            if (stage.Epochs == 0)
            {
                continue;
            }

            method.EnterStage(s);
            SetTrainable(method, stage);
            using var optimizer = stage.Optimizer.Create(stage.Groups);
            var scheduler = stage.Scheduler.Create(optimizer, stage.Epochs);
            if (s == startStage && optimizerState is not null)
            {
                optimizer.LoadStateDict(optimizerState);
                if (scheduler is not null && schedulerState is { Count: > 0 })
                {
                    scheduler.LoadStateDict(schedulerState);
                }
            }

            var trainable = stage.TrainableParameters.ToArray();
            for (var e = s == startStage ? startEpoch : 0; e < stage.Epochs; e++)
            {
                var epoch = stages.Take(s).Sum(x => x.Epochs) + e;
                var context = new TrainingContext(data, options, s, stage, epoch, e, totalEpochs);
                var epochClock = Stopwatch.StartNew();
                var (loss, images, wait) = TrainEpoch(method, loader, context, optimizer, scaler, trainable, clock, epochsRun, epochsLeft, cancellationToken);
                var trainSeconds = epochClock.Elapsed.TotalSeconds;
                scheduler?.Step();
                var last = s == stages.Count - 1 && e == stage.Epochs - 1;
                Evaluation? evaluation = null;
                double? teacherMap = null;
                if (options.EvaluateEveryEpoch || last)
                {
                    evaluation = Evaluation.Run(method, data.Test, data.TestTransform, options, cancellationToken);
                    teacherMap = method.EvaluateTeacher(data.Test, data.TestTransform, options, cancellationToken)?.Metrics.Map is { } m && !double.IsNaN(m) ? m : null;
                }

                var result = new EpochResult(
                    s, stage.Name, epoch + 1, loss, epochClock.Elapsed.TotalSeconds, images / Math.Max(trainSeconds, 1e-9), method.PredictionHead,
                    evaluation is null ? null : EpochMetrics.From(evaluation.Metrics), evaluation?.Metrics)
                {
                    TrainSeconds = trainSeconds, LoaderWaitSeconds = wait, TeacherMap = teacherMap,
                };
                history.Add(result);
                epochsRun++;
                if (options.CheckpointPath is { } path)
                {
                    using var scope = DisposeScope.Enter();
                    TrainingCheckpoint.Save(path, method, s, e + 1, optimizer.StateDict(), scheduler?.StateDict(), history, options.CheckpointMetadata, scaler?.StateDict());
                }

                options.EpochFinished?.Invoke(result);
            }
        }

        return history;
    }

    private static (double Loss, long Images, double LoaderWaitSeconds) TrainEpoch(
        TrainingMethod method, DataLoader loader, TrainingContext context, Optimizer optimizer, GradScaler? scaler, Tensor[] trainable, Stopwatch clock, int epochsRun, int epochsLeft, CancellationToken cancellationToken)
    {
        method.Model.Train();
        foreach (var frozen in context.Stage.Frozen)
        {
            frozen.Eval();
        }

        method.OnEpochStart(context);
        var options = context.Options;
        double lossSum = 0;
        long images = 0;
        var batches = 0;
        var epochClock = Stopwatch.StartNew();
        double waitSeconds = 0;
        using var pending = loader.Epoch(context.Epoch, cancellationToken).GetEnumerator();
        while (true)
        {
            // The time spent here is the time the model waits for the loader (decoding, transforms, collation).
            var waitClock = Stopwatch.StartNew();
            if (!pending.MoveNext())
            {
                break;
            }

            waitSeconds += waitClock.Elapsed.TotalSeconds;
            var batch = pending.Current;
            using (batch)
            using (DisposeScope.Enter())
            {
                var x = MixedPrecision.Layout(batch.Images.To(options.Device), options);
                var y = batch.Targets.To(options.Device);
                Tensor loss;
                using (MixedPrecision.Enter(options))
                {
                    loss = method.TrainingLoss(context, batch, x, y, batches);
                }

                if (loss.DType != ScalarType.Float32)
                {
                    loss = loss.To(ScalarType.Float32);
                }

                optimizer.ZeroGrad();
                if (scaler is null)
                {
                    loss.Backward();
                    if (options.ClipGradNorm is { } maxNorm)
                    {
                        GradClipping.ClipGradNorm(trainable, maxNorm);
                    }

                    optimizer.Step();
                }
                else
                {
                    // PyTorch's recipe: backward on the scaled loss, unscale before clipping, a step skipped on overflow.
                    scaler.Scale(loss).Backward();
                    if (options.ClipGradNorm is { } maxNorm)
                    {
                        scaler.Unscale(optimizer);
                        GradClipping.ClipGradNorm(trainable, maxNorm);
                    }

                    scaler.Step(optimizer);
                    scaler.Update();
                }
                var value = loss.Item<float>();
                if (!double.IsFinite(value))
                {
                    throw new InvalidOperationException(
                        $"Method '{method.Name}', stage '{context.Stage.Name}', epoch {context.Epoch + 1}, batch {batches}: the loss is {value}. Lower the learning rate or check the data.");
                }

                lossSum += value;
                images += batch.Count;
                batches++;
            }

            if (options.Progress is { } progress)
            {
                var done = epochsRun + ((double)batches / loader.BatchCount);
                var perEpoch = done > 0 ? clock.Elapsed.TotalSeconds / done : 0;
                progress.Report(new TrainingProgress(
                    context.Stage.Name, context.Epoch + 1, context.TotalEpochs, batches, loader.BatchCount, lossSum / batches,
                    images / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9), TimeSpan.FromSeconds(perEpoch * Math.Max(0, epochsLeft - done))));
            }
        }

        return (batches == 0 ? double.NaN : lossSum / batches, images, waitSeconds);
    }

    /// <summary>Makes exactly the stage's parameters trainable.</summary>
    private static void SetTrainable(TrainingMethod method, TrainingStage stage)
    {
        method.Model.RequiresGrad(false);
        foreach (var p in stage.TrainableParameters)
        {
            p.RequiresGrad_(true);
        }
    }

    private static void CheckData(TrainingMethod method, TrainingData data)
    {
        var expected = method.Setup.ClassNames;
        foreach (var (split, set) in new[] { ("training", data.Train), ("test", data.Test) })
        {
            if (!set.Classes.SequenceEqual(expected, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The {split} split's classes ({string.Join(", ", set.Classes)}) differ from the method's ({string.Join(", ", expected)}).", nameof(data));
            }
        }
    }

    private static void CheckResumable(TrainingMethod method, TrainingCheckpoint checkpoint, string path)
    {
        var a = checkpoint.Setup;
        var b = method.Setup;
        if (a.Method != b.Method || a.Backbone != b.Backbone || !a.ClassNames.SequenceEqual(b.ClassNames) || a.ImageSize != b.ImageSize || a.Seed != b.Seed)
        {
            throw new InvalidDataException(
                $"{path}: the checkpoint is for {a.Method}/{a.Backbone}/{a.ImageSize}px/seed {a.Seed} with {a.NumClasses} classes, not this run's {b.Method}/{b.Backbone}/{b.ImageSize}px/seed {b.Seed} with {b.NumClasses} classes. Delete it or choose another path.");
        }

        if (checkpoint.Stage >= method.Stages.Count)
        {
            throw new InvalidDataException($"{path}: the checkpoint is at stage {checkpoint.Stage}, but method '{method.Name}' has {method.Stages.Count} stages.");
        }
    }

    private static Dictionary<string, Tensor> Detached(Dictionary<string, Tensor> state) =>
        state.ToDictionary(kv => kv.Key, kv => kv.Value.Clone().DetachFromScope());
}
