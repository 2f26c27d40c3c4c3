// The C# tour of README.md, compiled here so it cannot rot: ReadmeTests checks that the README shows the region
// below verbatim and runs it on a small FashionScenes.
#region readme
using Srn.Data;
using Srn.Models;
using Srn.PartialLabels.Masking;
using Srn.PartialLabels.Methods;
using Srn.Training;

namespace MyResearch;

public static class Tour
{
    /// <summary>Trains DSRB on FashionScenes with 30% of the labels known, then returns its test mAP.</summary>
    public static double TrainDsrb(string directory, FashionScenesOptions scenes, int epochs)
    {
        // FashionScenes: multi-label scenes composed from Fashion-MNIST, written once as PNGs and manifests.
        var written = FashionScenesDataset.Write(directory, new FashionScenesGenerator(FashionMnist.Load(), scenes), new PngImageWriter());
        var partial = LabelMasking.Apply(written.Train, MaskingProtocol.Hcp, proportion: 0.3); // unknown labels become 0
        var train = new ManifestImageDataset(partial, directory);
        var test = new ManifestImageDataset(written.Test, directory);

        var setup = new MethodSetup { Method = "dsrb", Backbone = "resnet-small", ClassNames = train.Classes, ImageSize = 112, Epochs = epochs, Seed = 0 };
        using var method = MethodCatalog.Create(setup); // partial-bce, ssgrl, sarb, dsrb, srn, kd-wsd, ...
        var config = ModelRegistry.Config(setup.Backbone);
        var data = new TrainingData(train, ImageRecipes.SrnTrain(112, config), test, ImageRecipes.Test(112, config));
        var history = Trainer.Fit(method, data, new TrainerOptions { Seed = 0, BatchSize = 32 });
        Console.WriteLine($"loss {history[^1].TrainLoss:F4} after {history.Count} epochs");

        var evaluation = Evaluation.Run(method, test, ImageRecipes.Test(112, config), new TrainerOptions());
        return evaluation.Metrics.Map; // voc12 mAP in percent; evaluation.Scores holds the raw scores
    }
}
#endregion
