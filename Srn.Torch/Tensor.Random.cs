using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>Fills with uniform samples from [from, to) drawn from the global generator, outside autograd. Same as <c>Tensor.uniform_</c>.</summary>
    /// <param name="from">Lower bound.</param>
    /// <param name="to">Upper bound.</param>
    /// <returns>This tensor.</returns>
    public Tensor Uniform_(double from = 0, double to = 1)
    {
        NativeMethods.Check(NativeMethods.srn_uniform_(Handle, from, to));
        return this;
    }

    /// <summary>Fills with normal samples N(mean, std²) from the global generator, outside autograd. Same as <c>Tensor.normal_</c>.</summary>
    /// <param name="mean">Mean.</param>
    /// <param name="std">Standard deviation.</param>
    /// <returns>This tensor.</returns>
    public Tensor Normal_(double mean = 0, double std = 1)
    {
        NativeMethods.Check(NativeMethods.srn_normal_(Handle, mean, std));
        return this;
    }

    /// <summary>Fills with Bernoulli(p) samples (0 or 1) from the global generator. Same as <c>Tensor.bernoulli_(p)</c>.</summary>
    /// <param name="p">Probability of 1.</param>
    /// <returns>This tensor.</returns>
    public Tensor Bernoulli_(double p)
    {
        NativeMethods.Check(NativeMethods.srn_bernoulli_(Handle, p));
        return this;
    }

    /// <summary>
    /// Replaces this tensor's data with <paramref name="source"/>'s (any shape, dtype or device) while keeping this
    /// object, its gradient flag and every reference to it valid. Same as <c>tensor.data = source</c>; how
    /// <c>Module.To</c> moves parameters without invalidating optimizers that hold them.
    /// </summary>
    /// <param name="source">The new data (shared, not copied).</param>
    /// <returns>This tensor.</returns>
    public Tensor SetData(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        NativeMethods.Check(NativeMethods.srn_set_data(Handle, source.Handle));
        return this;
    }

    /// <summary>The diagonal as a view. Same as <c>torch.diagonal(input, offset, dim1, dim2)</c>.</summary>
    /// <param name="offset">0 for the main diagonal, positive above it.</param>
    /// <param name="dim1">First dimension.</param>
    /// <param name="dim2">Second dimension.</param>
    /// <returns>The diagonal.</returns>
    public Tensor Diagonal(long offset = 0, long dim1 = 0, long dim2 = 1) => Wrap(NativeMethods.srn_diagonal(Handle, offset, dim1, dim2));

    /// <summary>Reduced QR decomposition A = QR. Same as <c>torch.linalg.qr(A, mode='reduced')</c>.</summary>
    /// <returns>Q with orthonormal columns and upper-triangular R.</returns>
    public (Tensor Q, Tensor R) Qr()
    {
        NativeMethods.Check(NativeMethods.srn_linalg_qr(Handle, out var q, out var r));
        return (new Tensor(q), new Tensor(r));
    }
}
