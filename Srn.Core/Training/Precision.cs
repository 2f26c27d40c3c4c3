namespace Srn.Training;

/// <summary>
/// The arithmetic a training or evaluation runs in. Low-precision modes run the forward pass under autocast
/// (<see cref="Srn.Torch.Autocast"/>): libtorch's op policy picks which ops run in bfloat16 or float16; parameters, their
/// gradients, BatchNorm statistics, optimizer state, losses and metrics stay float32, as in PyTorch's mixed precision.
/// </summary>
public enum Precision
{
    /// <summary>Float32 throughout.</summary>
    Fp32,

    /// <summary>Autocast to bfloat16 (CPU with native bf16, e.g. AVX512-BF16 or AMX; CUDA on Ampere or newer). No loss scaling: bf16 has float32's range.</summary>
    Bf16,

    /// <summary>Autocast to float16 with dynamic loss scaling (CUDA; CPU only with libtorch 2.x).</summary>
    Fp16,
}
