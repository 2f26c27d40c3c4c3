using Srn.Data;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Tests.Data;

[TestFixture]
[NonParallelizable]
public sealed class DataLoaderTests
{
    /// <summary>Images computed from the index (thread-safe, no global generator); a box per image; some indices undecodable.</summary>
    private sealed class SyntheticDataset(int count, params int[] bad) : IMultiLabelDataset
    {
        public int Count => count;

        public IReadOnlyList<string> Classes { get; } = ["a", "b", "c"];

        public MultiLabelItem Load(int index)
        {
            if (bad.Contains(index))
            {
                throw new InvalidDataException($"img{index}.png: truncated");
            }

            var pixels = new byte[3 * 8 * 8];
            for (var k = 0; k < pixels.Length; k++)
            {
                pixels[k] = (byte)((index * 31) + (k * 7));
            }

            var image = Tensor.FromArray(pixels, [3, 8, 8]);
            sbyte[] labels = [(sbyte)(index % 2 == 0 ? 1 : -1), 0, 1];
            return new MultiLabelItem(new ImageSample(image, [new Box(1, 1, 3, 4, 0)]), labels, $"img{index}.png");
        }
    }

    /// <summary>A random horizontal flip drawing from the per-sample generator, boxes following.</summary>
    private sealed class Flip : ITransform
    {
        public ImageSample Apply(ImageSample sample, Random rng)
        {
            if (rng.NextDouble() < 0.5)
            {
                return sample;
            }

            var w = sample.Width;
            return new ImageSample(sample.Image.Flip(-1), sample.Boxes?.Select(b => b with { X1 = w - b.X2, X2 = w - b.X1 }).ToArray());
        }
    }

    private static List<(byte[] Images, float[] Targets, long[] Indices)> Collect(DataLoader loader, int epoch)
    {
        var result = new List<(byte[], float[], long[])>();
        foreach (var batch in loader.Epoch(epoch))
        {
            using (batch)
            {
                result.Add((batch.Images.ToBytes(), batch.Targets.ToArray<float>(), batch.Indices.ToArray<long>()));
            }
        }

        return result;
    }

    [Test]
    public void The_same_seed_gives_the_same_batches_whatever_the_number_of_workers()
    {
        var dataset = new SyntheticDataset(37);
        var baseline = Collect(new DataLoader(dataset, new Flip(), DataLoaderOptions.ForTraining(5, seed: 7, workers: 0)), epoch: 2);
        foreach (var workers in new[] { 1, 3 })
        {
            var other = Collect(new DataLoader(dataset, new Flip(), DataLoaderOptions.ForTraining(5, seed: 7, workers: workers) with { Prefetch = 4 }), epoch: 2);
            Assert.That(other, Has.Count.EqualTo(baseline.Count));
            for (var b = 0; b < baseline.Count; b++)
            {
                Assert.That(other[b].Indices, Is.EqualTo(baseline[b].Indices), $"batch {b} order, {workers} workers");
                Assert.That(other[b].Images, Is.EqualTo(baseline[b].Images), $"batch {b} pixels, {workers} workers");
                Assert.That(other[b].Targets, Is.EqualTo(baseline[b].Targets), $"batch {b} targets, {workers} workers");
            }
        }

        var flipped = baseline.SelectMany(b => b.Indices).Count();
        Assert.That(flipped, Is.EqualTo(35), "drop_last keeps 7 full batches of 5 out of 37");
    }

    [Test]
    public void Shuffling_is_seeded_per_epoch_and_evaluation_keeps_the_order()
    {
        var dataset = new SyntheticDataset(20);
        var train = new DataLoader(dataset, null, DataLoaderOptions.ForTraining(4, seed: 1));
        Assert.Multiple(() =>
        {
            Assert.That(new DataLoader(dataset, null, DataLoaderOptions.ForTraining(4, seed: 1)).Order(0), Is.EqualTo(train.Order(0)));
            Assert.That(train.Order(1), Is.Not.EqualTo(train.Order(0)));
            Assert.That(train.Order(0).Order(), Is.EqualTo(Enumerable.Range(0, 20)));
            Assert.That(new DataLoader(dataset, null, DataLoaderOptions.ForTraining(4, seed: 2)).Order(0), Is.Not.EqualTo(train.Order(0)));
        });
        var eval = new DataLoader(dataset, null, DataLoaderOptions.ForEvaluation(6));
        var batches = Collect(eval, 0);
        Assert.That(batches.SelectMany(b => b.Indices), Is.EqualTo(Enumerable.Range(0, 20).Select(i => (long)i)));
        Assert.That(batches.Select(b => b.Indices.Length), Is.EqualTo(new[] { 6, 6, 6, 2 }), "evaluation keeps the last, incomplete batch");
        Assert.That(eval.BatchCount, Is.EqualTo(4));
    }

    [Test]
    public void Batches_have_the_collated_shapes_targets_and_boxes()
    {
        var loader = new DataLoader(new SyntheticDataset(6), new Flip(), DataLoaderOptions.ForEvaluation(4) with { IncludeBoxes = true, Seed = 3 });
        using var batch = loader.Epoch(0).First();
        Assert.Multiple(() =>
        {
            Assert.That(batch.Images.Shape, Is.EqualTo(new long[] { 4, 3, 8, 8 }));
            Assert.That(batch.Images.DType, Is.EqualTo(ScalarType.UInt8));
            Assert.That(batch.Targets.Shape, Is.EqualTo(new long[] { 4, 3 }));
            Assert.That(batch.Targets.ToArray<float>()[..3], Is.EqualTo(new float[] { 1, 0, 1 }));
            Assert.That(batch.Boxes, Has.Count.EqualTo(4));
            Assert.That(batch.Boxes!.All(b => b.Count == 1 && (b[0].X1 == 1 || b[0].X1 == 5)), Is.True, "boxes follow the flip");
            Assert.That(batch.Names[0], Is.EqualTo("img0.png"));
        });
    }

    [Test]
    public void Bad_images_are_skipped_and_counted_on_request_and_fail_otherwise()
    {
        var dataset = new SyntheticDataset(10, 2, 7);
        var skipping = new DataLoader(dataset, null, DataLoaderOptions.ForEvaluation(4, workers: 2) with { SkipBadImages = true });
        var batches = Collect(skipping, 0);
        Assert.That(batches.SelectMany(b => b.Indices), Is.EqualTo(new long[] { 0, 1, 3, 4, 5, 6, 8, 9 }));
        Assert.That(skipping.SkippedImages, Is.EqualTo(2));
        var strict = new DataLoader(dataset, null, DataLoaderOptions.ForEvaluation(4, workers: 2));
        Assert.That(() => Collect(strict, 0), Throws.TypeOf<InvalidDataException>().With.Message.Contains("img2.png"));
    }

    [Test]
    public void Epochs_leak_no_tensor_even_when_stopped_early()
    {
        var dataset = new SyntheticDataset(50);
        var loader = new DataLoader(dataset, new Flip(), DataLoaderOptions.ForTraining(4, seed: 5, workers: 2) with { Prefetch = 3 });
        Collect(loader, 0);
        var baseline = LiveTensors.Settled();
        Collect(loader, 1);
        foreach (var batch in loader.Epoch(2))
        {
            batch.Dispose();
            break;
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
    }

    [Test]
    public void Invalid_options_are_rejected()
    {
        var dataset = new SyntheticDataset(3);
        Assert.That(() => new DataLoader(dataset, null, new DataLoaderOptions { BatchSize = 0 }), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new DataLoader(dataset, null, new DataLoaderOptions { Workers = -1 }), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
