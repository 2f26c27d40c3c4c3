using Srn.Models;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Training.Methods;

/// <summary>
/// Builds a method's backbone from its setup: a registry model with C outputs, optionally with pretrained weights, which
/// may come as the reference code saved them (nested under <c>state_dict</c> / <c>model</c>, with DataParallel's
/// <c>module.</c> prefix, or a whole network's state dict whose backbone is its <c>backbone.</c> child).
/// </summary>
public static class Backbones
{
    /// <summary>The state-dict prefix of the backbone in the reference's whole-network checkpoints (HCP-MLR-PL's <c>model.backbone</c>).</summary>
    public const string NetworkBackbonePrefix = "backbone.";

    /// <summary>The methods that run on any registry backbone, VGG included (the others read a ResNet's stages).</summary>
    public const string AnyBackboneMethods = "resnet, partial-bce, kd-wsd and kd-wsd-student";

    /// <summary>
    /// Creates the ResNet backbone of a method that splits the network at ResNet's stages (SRN reads <c>layer3</c> and runs
    /// <c>layer4</c> as its own branch; the SSGRL family reduces the <c>layer4</c> map and freezes stem..<c>layer3</c>),
    /// seeded from the setup's seed, with <see cref="MethodSetup.BackboneWeights"/> loaded when given.
    /// </summary>
    /// <param name="setup">The method setup.</param>
    /// <returns>The ResNet, with a fresh C-way classifier when the weights are for another class count.</returns>
    /// <exception cref="KeyNotFoundException">For an unknown backbone (the message lists the known ones).</exception>
    /// <exception cref="ArgumentException">When the backbone is not a ResNet (the message says which methods take it).</exception>
    /// <exception cref="FileNotFoundException">When the weights file does not exist.</exception>
    public static ResNet Create(MethodSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var config = ModelRegistry.Config(setup.Backbone);
        if (!config.IsResNet)
        {
            throw new ArgumentException(
                $"Method '{setup.Method}' needs a ResNet backbone (it splits the network at ResNet's stages layer3/layer4); '{setup.Backbone}' is a {config.Architecture.Family}. " +
                $"Backbones of any family run with {AnyBackboneMethods}.");
        }

        return (ResNet)CreateAny(setup);
    }

    /// <summary>Creates any registry backbone (ResNet or VGG), seeded from the setup's seed, and loads <see cref="MethodSetup.BackboneWeights"/> when given.</summary>
    /// <param name="setup">The method setup.</param>
    /// <returns>The model, with a fresh C-way final layer when the weights are for another class count.</returns>
    /// <exception cref="KeyNotFoundException">For an unknown backbone (the message lists the known ones).</exception>
    /// <exception cref="FileNotFoundException">When the weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the weights file is unreadable or ambiguous (see <see cref="LoadWeights"/>).</exception>
    public static Backbone CreateAny(MethodSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        LibTorch.ManualSeed((ulong)SeedMix.Of(setup.Seed, 271828));
        var model = ModelRegistry.CreateBackbone(setup.Backbone, setup.NumClasses);
        if (setup.BackboneWeights is not { } path)
        {
            return model;
        }

        Dictionary<string, Tensor> weights;
        try
        {
            (weights, var description) = LoadWeights(path, model);
            setup.Log?.Invoke($"backbone weights {path}: {description}");
        }
        catch
        {
            model.Dispose();
            throw;
        }

        try
        {
            return ModelRegistry.LoadInto(model, weights);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads backbone weights for <paramref name="model"/> from a <c>.safetensors</c> or <c>.pth</c> file: the state dict
    /// found by <see cref="TorchCheckpoint.LoadStateDict"/> (a <c>.pth</c> nested under <c>state_dict</c> or <c>model</c>),
    /// DataParallel's <c>module.</c> prefix stripped when every key has it, and, when no key is one of the model's but some
    /// start with <c>backbone.</c> (a whole network saved by the reference, e.g. an SSGRL checkpoint), that sub-dict only.
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <param name="model">The model the weights are for; null skips the <c>backbone.</c> rule.</param>
    /// <returns>The tensors (the caller owns them) and one line saying what was unwrapped, stripped or selected.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is unreadable, nests several state dicts, or carries <c>module.</c> on some keys only.</exception>
    public static (Dictionary<string, Tensor> StateDict, string Description) LoadWeights(string path, Backbone? model = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Backbone weights not found: {path}", path);
        }

        Dictionary<string, Tensor> tensors;
        string description;
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            var loaded = SafeTensors.Load(path);
            try
            {
                var (stripped, didStrip) = StateDictKeys.StripDataParallelPrefix(loaded, path);
                (tensors, description) = (stripped, didStrip ? $"'{StateDictKeys.DataParallelPrefix}' stripped from its {stripped.Count} keys" : $"{loaded.Count} tensors");
            }
            catch
            {
                DisposeAll(loaded);
                throw;
            }
        }
        else
        {
            (tensors, description) = TorchCheckpoint.LoadStateDict(path);
        }

        if (model is null)
        {
            return (tensors, description);
        }

        var own = model.NamedParameters().Select(p => p.Name).Concat(model.NamedBuffers().Select(b => b.Name)).ToHashSet(StringComparer.Ordinal);
        if (tensors.Keys.Any(own.Contains))
        {
            return (tensors, description);
        }

        var backbone = StateDictKeys.SubDict(tensors, NetworkBackbonePrefix);
        if (backbone.Count == 0)
        {
            return (tensors, description);
        }

        foreach (var (key, t) in tensors)
        {
            if (!key.StartsWith(NetworkBackbonePrefix, StringComparison.Ordinal))
            {
                t.Dispose();
            }
        }

        return (backbone, $"{description}; its '{NetworkBackbonePrefix}' entries ({backbone.Count} of {tensors.Count}) taken as the backbone's, the rest ignored");
    }

    private static void DisposeAll(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
