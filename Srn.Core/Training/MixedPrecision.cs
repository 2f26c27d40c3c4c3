using Srn.Torch;

namespace Srn.Training;

/// <summary>How the trainer and the evaluation apply <see cref="TrainerOptions.Precision"/> and <see cref="TrainerOptions.ChannelsLast"/>.</summary>
public static class MixedPrecision
{
    /// <summary>The autocast region of a precision on the options' device, or null for float32.</summary>
    /// <param name="options">The trainer options.</param>
    /// <returns>A scope to dispose after the forward pass (and the loss), or null.</returns>
    /// <remarks>As in PyTorch, the region covers the forward pass and the loss; backward runs outside it.</remarks>
    public static IDisposable? Enter(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Precision switch
        {
            Precision.Bf16 => Autocast.Enter(options.Device.Type, ScalarType.BFloat16),
            Precision.Fp16 => Autocast.Enter(options.Device.Type, ScalarType.Float16),
            _ => null,
        };
    }

    /// <summary>A batch of images in the layout the options ask for (channels-last for 4-D images when <see cref="TrainerOptions.ChannelsLast"/>).</summary>
    /// <param name="images">The batch, <c>[B, 3, H, W]</c>.</param>
    /// <param name="options">The trainer options.</param>
    /// <returns>The batch, converted or as it is.</returns>
    public static Tensor Layout(Tensor images, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        return options.ChannelsLast && images.Dim == 4 ? images.To(MemoryFormat.ChannelsLast) : images;
    }

    /// <summary>Lays out a model's weights as the options ask (channels-last convolution weights), in place.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The trainer options.</param>
    public static void Prepare(Srn.Torch.NN.Module model, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelsLast)
        {
            model.To(MemoryFormat.ChannelsLast);
        }
    }
}
