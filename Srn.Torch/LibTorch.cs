using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>Library-wide settings and facts: seeds, threads, versions, the BLAS in use.</summary>
public static class LibTorch
{
    /// <summary>The libtorch version the shim was built against, e.g. "1.13.0".</summary>
    public static string Version => NativeMethods.TakeString(NativeMethods.srn_torch_version());

    /// <summary>The native ABI version of the loaded shim.</summary>
    public static int AbiVersion => NativeMethods.srn_abi_version();

    /// <summary>
    /// Intra-op threads libtorch uses on the CPU. Same as <c>torch.get_num_threads</c> / <c>torch.set_num_threads</c>, with
    /// the same reach: setting it applies to the calling thread and to threads that first use libtorch afterwards.
    /// To fix the count for every thread of a process, set <c>OMP_NUM_THREADS</c> before it starts.
    /// </summary>
    /// <exception cref="TorchException">When set to less than 1.</exception>
    public static int NumThreads
    {
        get => NativeMethods.srn_get_num_threads();
        set => NativeMethods.Check(NativeMethods.srn_set_num_threads(value));
    }

    /// <summary>The shared object that provides <c>sgemm_</c> to libtorch (OpenBLAS is ~50x faster than the reference BLAS here).</summary>
    public static string BlasLibrary
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_blas_info(out var text));
            return NativeMethods.TakeString(text);
        }
    }

    /// <summary>
    /// Whether the shim tuned glibc's allocator at load (mmap threshold 32 MiB, no automatic trimming), so large tensors
    /// reuse freed memory instead of faulting in fresh pages on every training step.
    /// False on non-glibc systems or when <c>SRN_KEEP_MALLOC_DEFAULTS</c> is set. See Native/README.md.
    /// </summary>
    public static bool AllocatorTuned => NativeMethods.srn_malloc_tuned() != 0;

    /// <summary>Seeds every libtorch generator (CPU and CUDA). Same as <c>torch.manual_seed</c>.</summary>
    /// <param name="seed">The seed.</param>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.srn_manual_seed(seed));

    /// <summary>
    /// The state of the CPU generator, as a uint8 tensor to store in a checkpoint. Same as <c>torch.get_rng_state</c>.
    /// </summary>
    /// <returns>A new tensor owned by the caller (or the current dispose scope).</returns>
    public static Tensor GetRngState() => Tensor.Wrap(NativeMethods.srn_get_rng_state());

    /// <summary>Restores the CPU generator from <see cref="GetRngState"/>. Same as <c>torch.set_rng_state</c>.</summary>
    /// <param name="state">A state saved by <see cref="GetRngState"/>.</param>
    /// <exception cref="TorchException">When the tensor is not a valid generator state (wrong dtype or size).</exception>
    public static void SetRngState(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        NativeMethods.Check(NativeMethods.srn_set_rng_state(state.Handle));
    }
}
