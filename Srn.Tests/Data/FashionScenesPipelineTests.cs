using Srn.Data;
using Srn.Vision.Transforms;

namespace Srn.Tests.Data;

/// <summary>FashionScenes written as PNG, read back through its manifest and boxes file, augmented and batched.</summary>
[TestFixture]
public sealed class FashionScenesPipelineTests
{
    [Test]
    public void Scenes_on_disk_load_through_the_loader_with_labels_that_match_their_boxes()
    {
        var dir = Directory.CreateTempSubdirectory("srn-fs-").FullName;
        try
        {
            var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 3, TrainScenes = 12, TestScenes = 10 });
            var written = FashionScenesDataset.Write(dir, generator, new PngImageWriter());
            var boxes = BoxesFile.Read(written.TrainBoxesPath, written.Train.Classes);
            var dataset = new ManifestImageDataset(written.Train, dir, boxes);
            var transform = new Compose(new RandomHorizontalFlip(), new ToFloat());
            var loader = new DataLoader(dataset, transform, DataLoaderOptions.ForTraining(4, seed: 1, workers: 2) with { IncludeBoxes = true });
            var seen = 0;
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                {
                    Assert.That(batch.Images.Shape, Is.EqualTo(new long[] { 4, 3, 112, 112 }));
                    var targets = batch.Targets.ToArray<float>();
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var fromBoxes = batch.Boxes![i].Select(b => b.Class).ToHashSet();
                        var fromLabels = Enumerable.Range(0, 10).Where(c => targets[(i * 10) + c] == 1).ToHashSet();
                        Assert.That(fromLabels, Is.EquivalentTo(fromBoxes), batch.Names[i]);
                        Assert.That(batch.Boxes[i].All(b => b.X1 >= 0 && b.X2 <= 112 && b.Y1 >= 0 && b.Y2 <= 112), Is.True, batch.Names[i]);
                    }

                    seen += batch.Count;
                }
            }

            Assert.That(seen, Is.EqualTo(12));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
