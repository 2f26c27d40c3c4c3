using System.CommandLine;
using System.Globalization;
using Srn.Torch;

namespace Srn.Experiments.Runs;

/// <summary>The options <c>srn train</c> shares with the sweep: method, data, backbone, budget, labels, device.</summary>
internal sealed class RunOptions
{
    public Option<string> Method { get; } = new("--method") { Description = $"Method: {string.Join(", ", PartialLabels.Methods.MethodCatalog.Names)}.", DefaultValueFactory = _ => "srn" };

    public Option<string> Dataset { get; } = new("--dataset") { Description = "fashion-scenes (generated on first use), or 'manifests' with --train-manifest/--test-manifest/--image-root.", DefaultValueFactory = _ => "fashion-scenes" };

    public Option<string> Data { get; } = new("--data") { Description = "FashionScenes directory.", DefaultValueFactory = _ => DataSource.DefaultFashionScenesDirectory };

    public Option<string?> TrainManifest { get; } = new("--train-manifest") { Description = "Training manifest (with --dataset manifests)." };

    public Option<string?> TestManifest { get; } = new("--test-manifest") { Description = "Test manifest (with --dataset manifests)." };

    public Option<string?> ImageRoot { get; } = new("--image-root") { Description = "Directory the manifests' image paths are relative to." };

    public Option<string> Backbone { get; } = new("--backbone") { Description = "Backbone: resnet-small, resnet18 ... resnet152.", DefaultValueFactory = _ => "resnet-small" };

    public Option<int?> ImageSize { get; } = new("--image-size") { Description = "Input side in pixels (default: the backbone's, 112 for resnet-small)." };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Training epochs over all stages.", DefaultValueFactory = _ => 12 };

    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 32 };

    public Option<double> Proportion { get; } = new("--proportion") { Description = "Share of training labels known, in (0, 1].", DefaultValueFactory = _ => 1.0 };

    public Option<string> Protocol { get; } = new("--protocol") { Description = "Masking protocol: hcp, per-image, single-positive.", DefaultValueFactory = _ => "hcp" };

    public Option<int> Seed { get; } = new("--seed") { Description = "Experiment seed.", DefaultValueFactory = _ => 0 };

    public Option<int> MaskSeed { get; } = new("--mask-seed") { Description = "Seed of the label mask (the reference protocol uses 0 for every run).", DefaultValueFactory = _ => 0 };

    public Option<int?> TrainLimit { get; } = new("--train-limit") { Description = "Use only the first N training images." };

    public Option<int?> TestLimit { get; } = new("--test-limit") { Description = "Use only the first N test images." };

    public Option<string?> Augmentation { get; } = new("--augment") { Description = "Training augmentation: srn, hcp, none (default: the method's)." };

    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };

    public Option<int> Workers { get; } = new("--workers") { Description = "Image loading threads.", DefaultValueFactory = _ => 1 };

    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch threads for training (default: libtorch's)." };

    public Option<string[]> MethodOptions { get; } = new("--option") { Description = "Method option name=value (repeatable), e.g. --option lr=0.1.", AllowMultipleArgumentsPerToken = false };

    public Option<string?> BackboneWeights { get; } = new("--backbone-weights") { Description = "torchvision .pth (or safetensors) of the backbone, e.g. resnet101-63fe2227.pth (default: random initialisation)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Method, Dataset, Data, TrainManifest, TestManifest, ImageRoot, Backbone, ImageSize, Epochs, BatchSize, Proportion, Protocol, Seed, MaskSeed, TrainLimit, TestLimit, Augmentation, Device, Workers, Threads, MethodOptions, BackboneWeights })
        {
            command.Options.Add(option);
        }
    }

    public RunSpec Spec(ParseResult parse)
    {
        var proportion = parse.GetValue(Proportion);
        if (!(proportion > 0 && proportion <= 1))
        {
            throw new ArgumentException($"--proportion must be in (0, 1], got {proportion.ToString(CultureInfo.InvariantCulture)}.");
        }

        var epochs = parse.GetValue(Epochs);
        var batch = parse.GetValue(BatchSize);
        if (epochs < 1 || batch < 1)
        {
            throw new ArgumentException($"--epochs and --batch-size must be at least 1, got {epochs} and {batch}.");
        }

        return new RunSpec
        {
            Method = parse.GetValue(Method)!, Backbone = parse.GetValue(Backbone)!, ImageSize = parse.GetValue(ImageSize), Epochs = epochs, BatchSize = batch,
            Proportion = proportion, Protocol = parse.GetValue(Protocol)!, Seed = parse.GetValue(Seed), MaskSeed = parse.GetValue(MaskSeed), TrainLimit = parse.GetValue(TrainLimit),
            TestLimit = parse.GetValue(TestLimit), Augmentation = parse.GetValue(Augmentation), Device = DeviceOption.Parse(parse.GetValue(Device)!),
            Workers = parse.GetValue(Workers), Threads = parse.GetValue(Threads), Options = ParseOptions(parse.GetValue(MethodOptions) ?? []),
            BackboneWeights = parse.GetValue(BackboneWeights),
        };
    }

    public DataSource Source(ParseResult parse, Action<string>? log) => parse.GetValue(Dataset) switch
    {
        "fashion-scenes" => DataSource.FashionScenes(parse.GetValue(Data)!, log),
        "manifests" => DataSource.Manifests(
            parse.GetValue(TrainManifest) ?? throw new ArgumentException("--dataset manifests needs --train-manifest."),
            parse.GetValue(TestManifest) ?? throw new ArgumentException("--dataset manifests needs --test-manifest."),
            parse.GetValue(ImageRoot) ?? throw new ArgumentException("--dataset manifests needs --image-root.")),
        var other => throw new ArgumentException($"Unknown dataset '{other}': use fashion-scenes, or manifests with --train-manifest, --test-manifest and --image-root (write manifests with 'srn data'))."),
    };

    public static Dictionary<string, string> ParseOptions(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var i = pair.IndexOf('=', StringComparison.Ordinal);
            if (i <= 0)
            {
                throw new ArgumentException($"--option expects name=value, got '{pair}'.");
            }

            result[pair[..i].Trim()] = pair[(i + 1)..].Trim();
        }

        return result;
    }
}
