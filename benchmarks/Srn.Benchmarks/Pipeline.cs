using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Srn.Data;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Benchmarks;

/// <summary>
/// The image-pipeline benchmark: decode JPEG, resize the shorter side to 256, random crop 224, random flip, to float,
/// normalize, batch 32, through <see cref="DataLoader"/> with N worker threads; prints JSON like torch_pipeline.py.
/// </summary>
internal static class Pipeline
{
    public static int Run(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: pipeline JPEG_DIR WORKERS EPOCHS");
            return 2;
        }

        var files = Directory.GetFiles(args[0], "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var workers = int.Parse(args[1], CultureInfo.InvariantCulture);
        var epochs = int.Parse(args[2], CultureInfo.InvariantCulture);
        var transform = new Compose(Resize.ShorterSide(256), new RandomCrop(224), new RandomHorizontalFlip(), new ToFloat(), Normalize.ImageNet);
        var loader = new DataLoader(new JpegFolder(files), transform, new DataLoaderOptions { BatchSize = 32, Shuffle = true, Workers = workers, Prefetch = Math.Max(2, workers * 2) });
        var rates = new List<double>();
        for (var epoch = 0; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var count = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                {
                    count += batch.Count;
                }
            }

            if (epoch > 0)
            {
                rates.Add(count / clock.Elapsed.TotalSeconds);
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["images_per_second"] = rates.Max(),
            ["rates"] = rates,
            ["workers"] = workers,
            ["images"] = files.Length,
        }));
        return 0;
    }

    private sealed class JpegFolder(string[] files) : IMultiLabelDataset
    {
        private static readonly string[] NoClasses = Enumerable.Range(0, 20).Select(i => $"c{i}").ToArray();

        public int Count => files.Length;

        public IReadOnlyList<string> Classes => NoClasses;

        public MultiLabelItem Load(int index) =>
            new(new ImageSample(ImageCodec.Decode(files[index])), new sbyte[NoClasses.Length], files[index]);
    }
}
