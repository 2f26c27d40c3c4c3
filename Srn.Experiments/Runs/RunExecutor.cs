using Srn.Data;
using Srn.Models;
using Srn.PartialLabels.Methods;
using Srn.Training;
using Srn.Vision;

namespace Srn.Experiments.Runs;

/// <summary>Turns a <see cref="RunSpec"/> into a method, its data and trainer options, and runs it.</summary>
internal static class RunExecutor
{
    /// <summary>Builds the method setup of a run (labels masked to the run's proportion).</summary>
    public static (MethodSetup Setup, TrainingData Data) Prepare(RunSpec spec, DataSource source)
    {
        var config = ModelRegistry.Config(spec.Backbone);
        var size = spec.ImageSize ?? config.DefaultInputSize;
        IMultiLabelDataset train = spec.TrainLimit is { } n ? DatasetViews.Take(source.Train, n) : source.Train;
        IMultiLabelDataset test = spec.TestLimit is { } m ? DatasetViews.Take(source.Test, m) : source.Test;
        var labels = DatasetViews.Labels(train);
        if (spec.Proportion < 1.0)
        {
            labels = LabelMasks.Apply(labels, spec.Protocol, spec.Proportion, spec.MaskSeed);
            train = DatasetViews.WithLabels(train, labels);
        }

        var setup = new MethodSetup
        {
            Method = spec.Method, Backbone = spec.Backbone, ClassNames = train.Classes, ImageSize = size, Epochs = spec.Epochs,
            Seed = spec.Seed, Options = spec.Options, TrainLabels = labels, BackboneWeights = spec.BackboneWeights,
        };
        var augmentation = spec.Augmentation ?? DefaultAugmentation(spec.Method);
        ITransform trainTransform = augmentation switch
        {
            "srn" => ImageRecipes.SrnTrain(size, config),
            "hcp" => ImageRecipes.HcpTrain(size, config),
            "none" => ImageRecipes.Test(size, config),
            _ => throw new ArgumentException($"Unknown augmentation '{augmentation}': use srn, hcp or none."),
        };
        return (setup, new TrainingData(train, trainTransform, test, ImageRecipes.Test(size, config)));
    }

    /// <summary>
    /// The augmentation a method was published with: SRN's crops for SRN, its ResNet baseline and KD-WSD (teacher-student
    /// pairs alike); HCP-MLR-PL's for the partial-label methods, <c>partial-bce</c> included, so the sweep compares them
    /// under one augmentation.
    /// </summary>
    public static string DefaultAugmentation(string method) => method is "srn" or "resnet" or "kd-wsd" or "kd-wsd-student" ? "srn" : "hcp";

    /// <summary>Builds the method of a setup.</summary>
    public static TrainingMethod Build(MethodSetup setup) => MethodCatalog.Create(setup);

    /// <summary>Trainer options for a run.</summary>
    public static TrainerOptions Options(RunSpec spec, string? checkpoint, IProgress<TrainingProgress>? progress, Action<EpochResult>? epochFinished) => new()
    {
        Seed = spec.Seed, Device = spec.Device, BatchSize = spec.BatchSize, Workers = spec.Workers, Threads = spec.Threads,
        CheckpointPath = checkpoint, Resume = checkpoint is not null, Progress = progress, EpochFinished = epochFinished,
    };
}
