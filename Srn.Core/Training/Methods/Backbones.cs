using Srn.Models;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Training.Methods;

/// <summary>Builds a method's backbone from its setup: a registry ResNet with C outputs, optionally with pretrained weights.</summary>
public static class Backbones
{
    /// <summary>Creates the backbone, seeded from the setup's seed, and loads <see cref="MethodSetup.BackboneWeights"/> when given.</summary>
    /// <param name="setup">The method setup.</param>
    /// <returns>The ResNet, with a fresh C-way classifier when the weights are for another class count.</returns>
    /// <exception cref="KeyNotFoundException">For an unknown backbone (the message lists the known ones).</exception>
    /// <exception cref="FileNotFoundException">When the weights file does not exist.</exception>
    public static ResNet Create(MethodSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        LibTorch.ManualSeed((ulong)SeedMix.Of(setup.Seed, 271828));
        if (setup.BackboneWeights is not { } path)
        {
            return ModelRegistry.Create(setup.Backbone, setup.NumClasses);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Backbone weights not found: {path}", path);
        }

        var weights = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafeTensors.Load(path) : TorchCheckpoint.Load(path);
        try
        {
            return ModelRegistry.Create(setup.Backbone, weights, setup.NumClasses);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }
}
