using Srn.Data;
using Srn.Metrics;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Training;

/// <summary>A method's predictions on a dataset and their metrics.</summary>
/// <param name="Scores">N x C logits, in dataset order.</param>
/// <param name="Targets">N x C targets (1 / -1 / 0), in dataset order.</param>
/// <param name="Names">Image names, in dataset order.</param>
/// <param name="Metrics">The metrics of the scores.</param>
public sealed record Evaluation(double[,] Scores, double[,] Targets, IReadOnlyList<string> Names, MultiLabelMetrics Metrics)
{
    /// <summary>Runs a method's <see cref="TrainingMethod.Predict"/> over a dataset (eval mode, no grad) and computes the metrics.</summary>
    /// <param name="method">The method.</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="transform">The evaluation transform.</param>
    /// <param name="options">Device, batch size, workers, metric options (their <see cref="MultiLabelMetricsOptions.ScoreKind"/> is
    /// replaced by <see cref="ScoreKind.Logits"/>: <see cref="TrainingMethod.Predict"/> returns logits, and detecting the kind from
    /// the values would read logits that all fall in [0, 1] as probabilities and threshold them at 0.5 instead of 0).</param>
    /// <param name="cancellationToken">Stops early.</param>
    /// <returns>Scores, targets and metrics.</returns>
    public static Evaluation Run(TrainingMethod method, IMultiLabelDataset dataset, ITransform transform, TrainerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        return RunWith(method, dataset, transform, options, (_, images) => method.Predict(images), cancellationToken: cancellationToken);
    }

    /// <summary>Runs another scoring function of a method over a dataset in the same way (eval mode, no grad, the run's precision) and computes the metrics.</summary>
    /// <param name="method">The method (its model is put in eval mode for the pass).</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="transform">The evaluation transform.</param>
    /// <param name="options">Device, batch size, workers, metric options (scores read as logits, as in <see cref="Run"/>).</param>
    /// <param name="predict">Logits <c>[B, C]</c> of a batch (on the CPU) and its images (on the device), e.g. a teacher's.</param>
    /// <param name="includeBoxes">Whether the batches carry the dataset's boxes (<see cref="DataLoaderOptions.IncludeBoxes"/>), e.g. proposals that ride with their images.</param>
    /// <param name="cancellationToken">Stops early.</param>
    /// <returns>Scores, targets and metrics.</returns>
    public static Evaluation RunWith(TrainingMethod method, IMultiLabelDataset dataset, ITransform transform, TrainerOptions options, Func<Batch, Tensor, Tensor> predict, bool includeBoxes = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(predict);
        var classes = dataset.Classes.Count;
        var scores = new double[dataset.Count, classes];
        var targets = new double[dataset.Count, classes];
        var names = new string[dataset.Count];
        var loader = new DataLoader(dataset, transform, DataLoaderOptions.ForEvaluation(options.EvalBatchSize, options.Workers) with { IncludeBoxes = includeBoxes });
        MixedPrecision.Prepare(method.Model, options);
        var wasTraining = method.Model.Training;
        method.Model.Eval();
        try
        {
            using var noGrad = Autograd.NoGrad();
            foreach (var batch in loader.Epoch(0, cancellationToken))
            {
                using (batch)
                using (DisposeScope.Enter())
                {
                    Tensor predicted;
                    using (MixedPrecision.Enter(options))
                    {
                        predicted = predict(batch, MixedPrecision.Layout(batch.Images.To(options.Device), options));
                    }

                    var logits = predicted.To(ScalarType.Float64).Cpu();
                    if (logits.Shape is not [var b, var c] || b != batch.Count || c != classes)
                    {
                        throw new InvalidOperationException($"Method '{method.Name}' predicted [{string.Join(", ", logits.Shape)}] for a batch of {batch.Count} images and {classes} classes.");
                    }

                    var s = logits.ToArray<double>();
                    var t = batch.Targets.To(ScalarType.Float64).ToArray<double>();
                    var idx = batch.Indices.ToArray<long>();
                    for (var i = 0; i < idx.Length; i++)
                    {
                        names[idx[i]] = batch.Names[i];
                        for (var j = 0; j < classes; j++)
                        {
                            scores[idx[i], j] = s[(i * classes) + j];
                            targets[idx[i], j] = t[(i * classes) + j];
                        }
                    }
                }
            }
        }
        finally
        {
            method.Model.Train(wasTraining);
        }

        var metrics = MultiLabelMetrics.Compute(scores, targets, options.Metrics with { ClassNames = dataset.Classes, ScoreKind = ScoreKind.Logits });
        return new Evaluation(scores, targets, names, metrics);
    }
}
