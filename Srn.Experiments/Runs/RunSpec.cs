using System.Globalization;
using Srn.Torch;

namespace Srn.Experiments.Runs;

/// <summary>One training run: method, backbone, input, labels (proportion and protocol), seed, budget.</summary>
internal sealed record RunSpec
{
    public required string Method { get; init; }

    public string Backbone { get; init; } = "resnet-small";

    public int? ImageSize { get; init; }

    public int Epochs { get; init; } = 12;

    public int BatchSize { get; init; } = 32;

    public double Proportion { get; init; } = 1.0;

    public string Protocol { get; init; } = "hcp";

    public int Seed { get; init; }

    /// <summary>Seed of the label mask: 0, the reference's, by default, so every training seed sees the same partial labels.</summary>
    public int MaskSeed { get; init; }

    /// <summary>Use only the first N training images (quick runs); null uses all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test images; null uses all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Training augmentation: srn, hcp or none; null picks the method's own.</summary>
    public string? Augmentation { get; init; }

    public Device Device { get; init; } = Device.Cpu;

    public int Workers { get; init; } = 1;

    public int? Threads { get; init; }

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Weights of the backbone (torchvision .pth or safetensors), or null for a random initialisation.</summary>
    public string? BackboneWeights { get; init; }

    /// <summary>A file-system-safe identifier: method, backbone, size, proportion, seed.</summary>
    /// <param name="dataset">Dataset name.</param>
    /// <param name="imageSize">Resolved input size.</param>
    /// <returns>The id.</returns>
    public string RunId(string dataset, int imageSize) => string.Create(
        CultureInfo.InvariantCulture, $"{dataset}_{Method}_{Backbone}_{imageSize}_p{Proportion:0.00}_s{Seed}");
}
