using Srn.Data;
using Srn.Models;
using Srn.PartialLabels.Methods;
using Srn.PartialLabels.Runs;
using Srn.Training;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Experiments.Runs;

/// <summary>Turns a <see cref="RunConfiguration"/> into a method, its data and trainer options.</summary>
internal static class RunExecutor
{
    /// <summary>
    /// Builds and drops the run's method on two placeholder classes, so an unknown method option fails at once, before data
    /// is generated or read.
    /// </summary>
    /// <param name="config">The run configuration.</param>
    /// <exception cref="ArgumentException">For an unknown method or option.</exception>
    public static void CheckMethod(RunConfiguration config)
    {
        using var check = MethodCatalog.Create(new MethodSetup
        {
            Method = config.Method, Backbone = config.Backbone, ClassNames = ["a", "b"], ImageSize = config.ResolvedImageSize,
            Epochs = config.Epochs, Seed = 0, Options = config.Options, ProposalsFile = config.Proposals,
        });
    }

    /// <summary>Builds the method setup of a run (labels masked to the run's proportion) and its data.</summary>
    /// <param name="config">The run configuration.</param>
    /// <param name="source">The data.</param>
    /// <returns>The setup and the data.</returns>
    /// <exception cref="ArgumentException">When the mask leaves no known label (<see cref="LabelMasks"/>).</exception>
    public static (MethodSetup Setup, TrainingData Data) Prepare(RunConfiguration config, DataSource source)
    {
        var size = config.ResolvedImageSize;
        IMultiLabelDataset train = config.TrainLimit is { } n ? DatasetViews.Take(source.Train, n) : source.Train;
        IMultiLabelDataset test = config.TestLimit is { } m ? DatasetViews.Take(source.Test, m) : source.Test;
        var labels = DatasetViews.Labels(train);
        if (config.Proportion < 1.0)
        {
            labels = LabelMasks.Apply(labels, config.Protocol, config.Proportion, config.MaskSeed);
            train = DatasetViews.WithLabels(train, labels);
        }

        var setup = new MethodSetup
        {
            Method = config.Method, Backbone = config.Backbone, ClassNames = train.Classes, ImageSize = size, Epochs = config.Epochs,
            Seed = config.Seed, Options = config.Options, TrainLabels = labels, BackboneWeights = config.BackboneWeights,
            ProposalsFile = config.Proposals,
        };
        if (config.Proposals is { } proposals)
        {
            CheckProposals(proposals, source.Train.Manifest.Rows.Take(train.Count).Select(r => r.Image));
        }

        return (setup, new TrainingData(train, TrainTransform(config, size), test, TestTransform(config, size, config.Backbone)));
    }

    /// <summary>The training transform of a run: its resolved augmentation (<c>none</c>: the test transform).</summary>
    /// <param name="config">The run configuration.</param>
    /// <param name="size">The input side.</param>
    /// <returns>The transform.</returns>
    public static ITransform TrainTransform(RunConfiguration config, int size)
    {
        var backbone = ModelRegistry.Config(config.Backbone);
        return config.ResolvedAugment switch
        {
            "srn" => ImageRecipes.SrnTrain(size, backbone),
            "srn-independent" => ImageRecipes.SrnTrain(size, backbone, SrnCropSampling.Independent),
            "hcp" => ImageRecipes.HcpTrain(size, backbone),
            _ => TestTransform(config, size, config.Backbone),
        };
    }

    /// <summary>The evaluation transform of a run: resize to the input size with the run's test resize, normalise.</summary>
    /// <param name="config">The run configuration (its <see cref="RunConfiguration.ResolvedTestResize"/>).</param>
    /// <param name="size">The input side.</param>
    /// <param name="backbone">The backbone's registry name (mean and std).</param>
    /// <returns><see cref="ImageRecipes.HcpTest"/> for bicubic, <see cref="ImageRecipes.Test"/> for bilinear.</returns>
    public static ITransform TestTransform(RunConfiguration config, int size, string backbone) =>
        config.ResolvedTestResize == "bicubic" ? ImageRecipes.HcpTest(size, ModelRegistry.Config(backbone)) : ImageRecipes.Test(size, ModelRegistry.Config(backbone));

    /// <summary>The evaluation transform of a checkpoint: its recorded run's, or its method's own when it recorded none.</summary>
    /// <param name="setup">The checkpoint's method setup.</param>
    /// <param name="recorded">The recorded run configuration (<see cref="RunRecord.RecordedConfiguration"/>), or null.</param>
    /// <returns>The transform.</returns>
    public static ITransform TestTransform(MethodSetup setup, RunConfiguration? recorded) =>
        TestTransform(recorded ?? new RunConfiguration { Method = setup.Method }, setup.ImageSize, setup.Backbone);

    /// <summary>Checks before training that a proposals file lists every training image (by its manifest path).</summary>
    /// <param name="path">The proposals file.</param>
    /// <param name="images">The training images.</param>
    /// <exception cref="DataFormatException">When the file is malformed or misses images (the message counts them and names the first).</exception>
    public static void CheckProposals(string path, IEnumerable<string> images)
    {
        var proposals = ProposalsFile.Read(path);
        var listed = proposals.Images.ToHashSet(StringComparer.Ordinal);
        var missing = images.Where(i => !listed.Contains(i)).ToList();
        if (missing.Count > 0)
        {
            throw new DataFormatException(path, 0,
                $"no proposals for {missing.Count} training images, e.g. {string.Join(", ", missing.Take(3).Select(m => $"'{m}'"))} (rows are keyed by the manifest's image paths)");
        }
    }

    /// <summary>Builds the method of a setup.</summary>
    /// <param name="setup">The setup.</param>
    /// <returns>The method.</returns>
    public static TrainingMethod Build(MethodSetup setup) => MethodCatalog.Create(setup);

    /// <summary>Trainer options for a run.</summary>
    /// <param name="config">The run configuration.</param>
    /// <param name="checkpoint">The checkpoint path, or null for none.</param>
    /// <param name="resume">Continue from the checkpoint.</param>
    /// <param name="record">Recorded in every checkpoint (see <see cref="RunRecord"/>); null for none.</param>
    /// <param name="progress">Progress receiver.</param>
    /// <param name="epochFinished">Called after each epoch (and its checkpoint).</param>
    /// <returns>The options.</returns>
    public static TrainerOptions Options(
        RunConfiguration config, string? checkpoint, bool resume, RunRecord? record, IProgress<TrainingProgress>? progress, Action<EpochResult>? epochFinished) => new()
    {
        Seed = config.Seed, Device = DeviceOption.Parse(config.Device), BatchSize = config.BatchSize, Workers = config.Workers, Threads = config.Threads,
        CheckpointPath = checkpoint, Resume = resume, Progress = progress, EpochFinished = epochFinished,
        Precision = config.ResolvedPrecision switch { "bf16" => Precision.Bf16, "fp16" => Precision.Fp16, _ => Precision.Fp32 },
        ChannelsLast = config.ChannelsLast,
        CheckpointMetadata = record?.Metadata() ?? new Dictionary<string, string>(),
    };
}
