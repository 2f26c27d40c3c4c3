using Srn.Data;

namespace Srn.Tests.Data;

/// <summary>The single-item pictures of <c>srn pretrain</c>: training-split items only, balanced classes, reproducible.</summary>
[TestFixture]
public sealed class FashionItemsTests
{
    private static readonly Lazy<FashionMnist> Source = new(() => FashionMnist.Load());

    [Test]
    public void A_picture_holds_one_training_item_of_class_index_mod_10()
    {
        var generator = new FashionScenesGenerator(Source.Value, new FashionScenesOptions { Seed = 3 });
        for (var i = 0; i < 30; i++)
        {
            var picture = generator.GenerateSingle(i);
            Assert.That(picture.Items, Has.Count.EqualTo(1), $"picture {i}");
            var item = picture.Items[0];
            Assert.That(item.Class, Is.EqualTo(i % 10));
            Assert.That(picture.Split, Is.EqualTo(SceneSplit.Train));
            Assert.That(Source.Value.Train.Label(item.SourceIndex), Is.EqualTo(item.Class), "the source is a training item of that class");
            Assert.That(picture.Labels.Count(l => l == 1), Is.EqualTo(1));
            Assert.That(picture.Width, Is.EqualTo(112));
        }
    }

    [Test]
    public void The_same_index_and_seed_give_the_same_picture_and_other_seeds_or_scenes_do_not()
    {
        var a = new FashionScenesGenerator(Source.Value, new FashionScenesOptions { Seed = 3 });
        var b = new FashionScenesGenerator(Source.Value, new FashionScenesOptions { Seed = 3 });
        var c = new FashionScenesGenerator(Source.Value, new FashionScenesOptions { Seed = 4 });
        Assert.That(a.GenerateSingle(7).Pixels.ToArray(), Is.EqualTo(b.GenerateSingle(7).Pixels.ToArray()));
        Assert.That(a.GenerateSingle(7).Pixels.ToArray(), Is.Not.EqualTo(c.GenerateSingle(7).Pixels.ToArray()));
        Assert.That(a.GenerateSingle(7).Pixels.ToArray(), Is.Not.EqualTo(a.Generate(SceneSplit.Train, 7).Pixels.ToArray()));
    }

    [Test]
    public void The_dataset_labels_one_positive_per_picture_and_checks_its_range()
    {
        var generator = new FashionScenesGenerator(Source.Value, new FashionScenesOptions { Seed = 0, CanvasSize = 56 });
        var data = new FashionItemsDataset(generator, 100, 12);
        Assert.That(data.Count, Is.EqualTo(12));
        Assert.That(data.Classes, Is.EqualTo(FashionMnist.ClassNames));
        for (var i = 0; i < data.Count; i++)
        {
            var item = data.Load(i);
            using var image = item.Sample.Image;
            Assert.That(image.Shape, Is.EqualTo(new long[] { 3, 56, 56 }));
            Assert.That(item.Labels.Select((l, k) => (l, k)).Single(x => x.l == 1).k, Is.EqualTo((100 + i) % 10));
            Assert.That(item.Labels.Count(l => l == -1), Is.EqualTo(9));
            Assert.That(item.Name, Is.EqualTo($"item{100 + i:D6}"));
        }

        Assert.That(() => data.Load(12), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FashionItemsDataset(generator, -1, 5), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
