using Srn.Data;
using Srn.Metrics;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Models;

/// <summary>How often SRN's attention map of a present label peaks inside a box of that label (docs/methods.md, "Attention pointing"; issue 5).</summary>
public static class SrnAttentionPointing
{
    /// <summary>Runs the attention branch over a dataset with boxes and tallies <see cref="PointingAccuracy"/>.</summary>
    /// <param name="net">The network (put in eval mode here).</param>
    /// <param name="dataset">Images with boxes (e.g. FashionScenes' test split).</param>
    /// <param name="transform">The evaluation transform; it must resize to the network's input and carry the boxes along.</param>
    /// <param name="device">Device of the network.</param>
    /// <param name="batchSize">Batch size.</param>
    /// <returns>The tally.</returns>
    public static PointingAccuracy Measure(SpatialRegularizationNet net, IMultiLabelDataset dataset, ITransform transform, Device device, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(dataset);
        var result = PointingAccuracy.Empty(dataset.Classes.Count);
        var loader = new DataLoader(dataset, transform, DataLoaderOptions.ForEvaluation(batchSize) with { IncludeBoxes = true });
        net.Eval();
        using var noGrad = Autograd.NoGrad();
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            using (DisposeScope.Enter())
            {
                using var output = net.Forward(batch.Images.To(device), SrnHeads.Attention);
                var images = batch.Images.Shape;
                result.Add(output.Attention!.Cpu(), batch.Boxes!, images[2], images[3]);
            }
        }

        return result;
    }
}
