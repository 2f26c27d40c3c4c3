using Srn.Torch;

namespace Srn.Benchmarks;

/// <summary>
/// The precision mode of the training-step benchmark, the same four as benchmarks/torch_train_step.py:
/// <c>fp32</c> (float32, contiguous), <c>fp32+cl</c> (float32, channels-last model and input), <c>bf16</c> (CPU autocast
/// in bfloat16 around forward and loss, contiguous) and <c>bf16+cl</c> (autocast and channels-last).
/// </summary>
/// <param name="Name">The mode as written on the command line and in the JSON.</param>
/// <param name="Autocast">Whether forward and loss run inside a CPU bfloat16 autocast region.</param>
/// <param name="ChannelsLast">Whether the model's weights and the input batch are laid out channels-last.</param>
internal sealed record TrainMode(string Name, bool Autocast, bool ChannelsLast)
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public const string Names = "fp32|fp32+cl|bf16|bf16+cl";

    /// <summary>Parses a mode name.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The mode, or null for an unknown name.</returns>
    public static TrainMode? Parse(string name) => name switch
    {
        "fp32" => new(name, false, false),
        "fp32+cl" => new(name, false, true),
        "bf16" => new(name, true, false),
        "bf16+cl" => new(name, true, true),
        _ => null,
    };

    /// <summary>The autocast region for the forward pass and the loss, or null in float32 (as PyTorch's <c>torch.autocast('cpu', dtype=torch.bfloat16)</c>).</summary>
    /// <returns>A scope to dispose after the loss, before backward.</returns>
    public IDisposable? Enter() => Autocast ? Srn.Torch.Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16) : null;
}
