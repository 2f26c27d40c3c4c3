using Srn.Data;
using Srn.Metrics;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Training;
using Srn.Vision.Transforms;

namespace Srn.Tests.Training;

/// <summary><see cref="Evaluation.Run"/> reads the method's scores as logits, whatever their values.</summary>
[TestFixture]
public sealed class EvaluationTests
{
    [Test]
    public void Logits_that_all_fall_in_zero_one_are_thresholded_at_zero_not_read_as_probabilities()
    {
        using var scope = DisposeScope.Enter();
        var data = new TinyScenes(12, seed: 3);
        using var method = new MeanIntensityMethod(data.Classes);

        // Every logit is an image's mean intensity in [0, 1] (TinyScenes' images are dark: all below 0.5), so auto-detection
        // would take them for probabilities and predict nothing; as logits every one is >= 0 and every label is predicted.
        var evaluation = Evaluation.Run(method, data, new ToFloat(), new TrainerOptions { EvalBatchSize = 5, Workers = 0 });
        var all = evaluation.Scores.Cast<double>().ToArray();
        Assert.That(all, Has.All.InRange(0.0, 0.5));
        Assert.That(evaluation.Metrics.ScoreKind, Is.EqualTo(ScoreKind.Logits));
        Assert.That(evaluation.Metrics.Threshold, Is.EqualTo(0.0));
        Assert.That(evaluation.Metrics.Thresholded.CR, Is.EqualTo(100.0));
        Assert.That(evaluation.Metrics.Thresholded.OR, Is.EqualTo(100.0));

        // The same scores under auto-detection: the bug this guards against (nothing predicted, recall 0).
        var auto = MultiLabelMetrics.Compute(evaluation.Scores, evaluation.Targets);
        Assert.That((auto.ScoreKind, auto.Thresholded.CR), Is.EqualTo((ScoreKind.Probabilities, 0.0)));
    }

    [Test]
    public void A_declared_probability_kind_in_the_options_does_not_change_how_logits_are_read()
    {
        using var scope = DisposeScope.Enter();
        var data = new TinyScenes(6, seed: 4);
        using var method = new MeanIntensityMethod(data.Classes);
        var options = new TrainerOptions { Workers = 0, Metrics = new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Probabilities } };
        var evaluation = Evaluation.Run(method, data, new ToFloat(), options);
        Assert.That((evaluation.Metrics.ScoreKind, evaluation.Metrics.Threshold), Is.EqualTo((ScoreKind.Logits, 0.0)));
    }

    /// <summary>Predicts each image's mean intensity as the logit of every class: values in [0, 1], no parameters.</summary>
    private sealed class MeanIntensityMethod(IReadOnlyList<string> classes) : TrainingMethod
    {
        private readonly Identity model = new();

        public override string Name => "mean-intensity";

        public override MethodSetup Setup { get; } = new() { Method = "mean-intensity", Backbone = "none", ClassNames = classes, ImageSize = 32 };

        public override Module Model => model;

        public override IReadOnlyList<TrainingStage> Stages => [];

        public override Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex) =>
            throw new NotSupportedException("evaluation only");

        public override Tensor Predict(Tensor images) =>
            images.Mean([1, 2, 3], keepDim: false).Unsqueeze(1).Expand(images.Size(0), Setup.NumClasses).Contiguous();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                model.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
