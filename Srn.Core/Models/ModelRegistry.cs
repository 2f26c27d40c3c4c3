using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>One stage of a backbone: its name (the state-dict prefix), output channels and stride.</summary>
/// <param name="Name">e.g. <c>layer3</c>.</param>
/// <param name="Channels">Output channels.</param>
/// <param name="Stride">Total stride relative to the input.</param>
public sealed record StageInfo(string Name, long Channels, int Stride);

/// <summary>What a registered model needs to be used: its default input, normalisation and feature layout.</summary>
/// <param name="Name">Registry name.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Architecture">The network's shape: a <see cref="ResNetConfig"/> or a <see cref="VggConfig"/>.</param>
/// <param name="DefaultInputSize">Square input side the model is meant for.</param>
/// <param name="Mean">Per-channel mean of input normalisation (RGB).</param>
/// <param name="Std">Per-channel standard deviation (RGB).</param>
/// <param name="PretrainedFile">The torchvision checkpoint file name whose state dict loads into it, if any.</param>
public sealed record ModelConfig(string Name, string Description, BackboneArchitecture Architecture, int DefaultInputSize, double[] Mean, double[] Std, string? PretrainedFile)
{
    /// <summary>The stages a reader may tap: a ResNet's layer1..layer4 (strides 4, 8, 16, 32), a VGG's max-pooling outputs.</summary>
    public IReadOnlyList<StageInfo> Stages { get; } = Architecture.Stages();

    /// <summary>Channels of the final features.</summary>
    public long NumFeatures => Architecture.NumFeatures;

    /// <summary>Whether the model is a <see cref="ResNet"/> (SRN and the SSGRL family need one).</summary>
    public bool IsResNet => Architecture is ResNetConfig;
}

/// <summary>
/// Named backbones with their configs: torchvision's ResNet-18/34/50/101/152 and VGG16 (state dicts of torchvision's
/// ImageNet checkpoints load unchanged), <c>resnet-small</c> and <c>vgg-small</c> for CPU experiments on FashionScenes
/// (docs/models.md).
/// </summary>
public static class ModelRegistry
{
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];
    private static readonly long[] TorchvisionWidths = [64, 128, 256, 512];

    private static readonly Dictionary<string, ModelConfig> Configs = new ModelConfig[]
    {
        new("resnet18", "torchvision ResNet-18", new ResNetConfig(ResNetBlock.Basic, [2, 2, 2, 2], 64, TorchvisionWidths), 224, ImageNetMean, ImageNetStd, "resnet18-f37072fd.pth"),
        new("resnet34", "torchvision ResNet-34", new ResNetConfig(ResNetBlock.Basic, [3, 4, 6, 3], 64, TorchvisionWidths), 224, ImageNetMean, ImageNetStd, "resnet34-b627a593.pth"),
        new("resnet50", "torchvision ResNet-50", new ResNetConfig(ResNetBlock.Bottleneck, [3, 4, 6, 3], 64, TorchvisionWidths), 224, ImageNetMean, ImageNetStd, "resnet50-0676ba61.pth"),
        new("resnet101", "torchvision ResNet-101", new ResNetConfig(ResNetBlock.Bottleneck, [3, 4, 23, 3], 64, TorchvisionWidths), 224, ImageNetMean, ImageNetStd, "resnet101-63fe2227.pth"),
        new("resnet152", "torchvision ResNet-152", new ResNetConfig(ResNetBlock.Bottleneck, [3, 8, 36, 3], 64, TorchvisionWidths), 224, ImageNetMean, ImageNetStd, "resnet152-394f9c45.pth"),
        new("resnet-small", "ResNet-10 with quarter widths for CPU experiments at 112x112", new ResNetConfig(ResNetBlock.Basic, [1, 1, 1, 1], 16, [16, 32, 64, 128]), 112, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25], null),
        new("vgg16", "torchvision VGG16 (configuration D, no batch norm)", new VggConfig([.. VggConfig.Vgg16Layers]), 224, ImageNetMean, ImageNetStd, "vgg16-397923af.pth"),
        new("vgg-small", "VGG16's layout with eighth widths and a 256-wide classifier for CPU experiments at 112x112",
            new VggConfig([.. VggConfig.Vgg16Layers.Select(v => v / 8)], Hidden: 256), 112, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25], null),
    }.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The registered names.</summary>
    public static IReadOnlyCollection<string> Names => Configs.Keys;

    /// <summary>The config of a registered model.</summary>
    /// <param name="name">Registry name (case-insensitive).</param>
    /// <returns>The config.</returns>
    /// <exception cref="KeyNotFoundException">Naming the known models.</exception>
    public static ModelConfig Config(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Configs.TryGetValue(name, out var c)
            ? c
            : throw new KeyNotFoundException($"unknown model '{name}'; known models: {string.Join(", ", Configs.Keys)}");
    }

    /// <summary>Builds a registered ResNet with fresh (seeded, torchvision-identical) initialisation.</summary>
    /// <param name="name">Registry name.</param>
    /// <param name="numClasses">Classifier outputs.</param>
    /// <returns>The model, in training mode.</returns>
    /// <exception cref="ArgumentException">When the model is not a ResNet (use <see cref="CreateBackbone(string, long)"/>).</exception>
    public static ResNet Create(string name, long numClasses = 1000) => new(ResNetArchitecture(name), numClasses);

    /// <summary>Builds a registered ResNet and loads a state dict into it (e.g. torchvision's ImageNet weights).</summary>
    /// <param name="name">Registry name.</param>
    /// <param name="stateDict">Tensors by torchvision's names.</param>
    /// <param name="numClasses">Classifier outputs; if it differs from the checkpoint's, the classifier is left freshly initialised.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">When the model is not a ResNet.</exception>
    /// <exception cref="StateDictMismatchException">When the checkpoint does not fit the architecture.</exception>
    public static ResNet Create(string name, IReadOnlyDictionary<string, Srn.Torch.Tensor> stateDict, long numClasses = 1000)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var model = Create(name, numClasses);
        return LoadInto(model, stateDict);
    }

    /// <summary>Builds any registered model (ResNet or VGG) with fresh (seeded, torchvision-identical) initialisation.</summary>
    /// <param name="name">Registry name.</param>
    /// <param name="numClasses">Classifier outputs.</param>
    /// <returns>The model, in training mode.</returns>
    public static Backbone CreateBackbone(string name, long numClasses = 1000) => Config(name).Architecture.Create(numClasses);

    /// <summary>Builds any registered model and loads a state dict into it (e.g. torchvision's ImageNet weights).</summary>
    /// <param name="name">Registry name.</param>
    /// <param name="stateDict">Tensors by torchvision's names.</param>
    /// <param name="numClasses">Classifier outputs; if it differs from the checkpoint's, the final layer is left freshly initialised.</param>
    /// <returns>The model.</returns>
    /// <exception cref="StateDictMismatchException">When the checkpoint does not fit the architecture.</exception>
    public static Backbone CreateBackbone(string name, IReadOnlyDictionary<string, Srn.Torch.Tensor> stateDict, long numClasses = 1000)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        return LoadInto(CreateBackbone(name, numClasses), stateDict);
    }

    /// <summary>
    /// Loads a state dict into a model, all or nothing; when the checkpoint's final layer is for another number of classes
    /// (<see cref="Backbone.ClassifierPrefix"/>), everything else loads strictly and the model keeps its own final layer.
    /// </summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="model">The model; disposed when loading fails.</param>
    /// <param name="stateDict">Tensors by torchvision's names.</param>
    /// <returns><paramref name="model"/>.</returns>
    /// <exception cref="StateDictMismatchException">When the checkpoint does not fit the architecture.</exception>
    public static T LoadInto<T>(T model, IReadOnlyDictionary<string, Srn.Torch.Tensor> stateDict)
        where T : Backbone
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        try
        {
            // A checkpoint for another number of classes: load the rest strictly and keep the fresh final layer.
            var prefix = model.ClassifierPrefix;
            if (stateDict.TryGetValue(prefix + "weight", out var fc) && fc.Shape[0] != model.ClassifierLayer.OutFeatures)
            {
                var own = model.ClassifierLayer.StateDict();
                try
                {
                    var source = stateDict.Where(kv => !kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                        .Concat(own.Select(kv => KeyValuePair.Create(prefix + kv.Key, kv.Value)))
                        .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
                    model.LoadStateDict(source);
                }
                finally
                {
                    foreach (var t in own.Values)
                    {
                        t.Dispose();
                    }
                }
            }
            else
            {
                model.LoadStateDict(stateDict);
            }

            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ResNetConfig ResNetArchitecture(string name) => Config(name).Architecture as ResNetConfig
        ?? throw new ArgumentException($"model '{name}' is a {Config(name).Architecture.Family}, not a ResNet; ModelRegistry.CreateBackbone builds any registry model", nameof(name));
}
