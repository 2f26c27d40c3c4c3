using Srn.Data;
using Srn.Vision;

namespace Srn.Training;

/// <summary>The data of one training run: the (possibly partially labelled) training split and a fully labelled evaluation split.</summary>
/// <param name="Train">Training examples; labels 1 / -1 / 0 (unknown).</param>
/// <param name="TrainTransform">Training augmentation (random crops, flips, then tensor conversion and normalisation).</param>
/// <param name="Test">Evaluation examples (full labels).</param>
/// <param name="TestTransform">Evaluation transform (deterministic).</param>
public sealed record TrainingData(IMultiLabelDataset Train, ITransform TrainTransform, IMultiLabelDataset Test, ITransform TestTransform);
