using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>Sum of all elements (integers accumulate in int64). Same as <c>torch.sum(input)</c>.</summary>
    /// <returns>A 0-dim tensor.</returns>
    public Tensor Sum() => Reduce(ReduceOp.Sum, null, false);

    /// <summary>Sum over <paramref name="dims"/>. Same as <c>torch.sum(input, dim, keepdim)</c>.</summary>
    /// <param name="dims">The dimensions to reduce (negative counts from the end).</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>The sums.</returns>
    /// <exception cref="TorchException">When a dimension is out of range.</exception>
    public Tensor Sum(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Sum, dims, keepDim);

    /// <summary>Sum over one dimension. Same as <c>torch.sum(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>The sums.</returns>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(ReduceOp.Sum, [dim], keepDim);

    /// <summary>Sum treating NaN as zero. Same as <c>torch.nansum</c>.</summary>
    /// <returns>A 0-dim tensor.</returns>
    public Tensor NanSum() => Reduce(ReduceOp.NanSum, null, false);

    /// <summary>Mean of all elements (floating tensors only). Same as <c>torch.mean(input)</c>.</summary>
    /// <returns>A 0-dim tensor.</returns>
    /// <exception cref="TorchException">For integer tensors (as in PyTorch).</exception>
    public Tensor Mean() => Reduce(ReduceOp.Mean, null, false);

    /// <summary>Mean over <paramref name="dims"/>. Same as <c>torch.mean(input, dim, keepdim)</c>.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>The means.</returns>
    public Tensor Mean(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Mean, dims, keepDim);

    /// <summary>Mean over one dimension. Same as <c>torch.mean(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>The means.</returns>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(ReduceOp.Mean, [dim], keepDim);

    /// <summary>Product of all elements. Same as <c>torch.prod(input)</c>.</summary>
    /// <returns>A 0-dim tensor.</returns>
    public Tensor Prod() => Reduce(ReduceOp.Prod, null, false);

    /// <summary>Product over one dimension. Same as <c>torch.prod(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>The products.</returns>
    public Tensor Prod(long dim, bool keepDim = false) => Reduce(ReduceOp.Prod, [dim], keepDim);

    /// <summary>Largest element. Same as <c>torch.max(input)</c>.</summary>
    /// <returns>A 0-dim tensor.</returns>
    /// <exception cref="TorchException">For an empty tensor.</exception>
    public Tensor Max() => Reduce(ReduceOp.AMax, null, false);

    /// <summary>Largest values and their indices along a dimension. Same as <c>torch.max(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>The values and the int64 indices.</returns>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => MinMax(dim, keepDim, isMin: false);

    /// <summary>Smallest element. Same as <c>torch.min(input)</c>.</summary>
    /// <returns>A 0-dim tensor.</returns>
    /// <exception cref="TorchException">For an empty tensor.</exception>
    public Tensor Min() => Reduce(ReduceOp.AMin, null, false);

    /// <summary>Smallest values and their indices along a dimension. Same as <c>torch.min(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>The values and the int64 indices.</returns>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => MinMax(dim, keepDim, isMin: true);

    /// <summary>Maximum over several dimensions (values only). Same as <c>torch.amax</c>.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="keepDim">Keep them with size 1.</param>
    /// <returns>The maxima.</returns>
    public Tensor AMax(long[] dims, bool keepDim = false) => Reduce(ReduceOp.AMax, dims, keepDim);

    /// <summary>Minimum over several dimensions (values only). Same as <c>torch.amin</c>.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="keepDim">Keep them with size 1.</param>
    /// <returns>The minima.</returns>
    public Tensor AMin(long[] dims, bool keepDim = false) => Reduce(ReduceOp.AMin, dims, keepDim);

    /// <summary>Index of the largest element, over the flattened tensor or along <paramref name="dim"/>. Same as <c>torch.argmax</c>.</summary>
    /// <param name="dim">The dimension, or null for the flattened tensor.</param>
    /// <param name="keepDim">Keep the dimension with size 1.</param>
    /// <returns>int64 indices.</returns>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) =>
        Wrap(NativeMethods.srn_argminmax(Handle, dim ?? 0, dim is null ? 0 : 1, keepDim ? 1 : 0, 0));

    /// <summary>Index of the smallest element. Same as <c>torch.argmin</c>.</summary>
    /// <param name="dim">The dimension, or null for the flattened tensor.</param>
    /// <param name="keepDim">Keep the dimension with size 1.</param>
    /// <returns>int64 indices.</returns>
    public Tensor ArgMin(long? dim = null, bool keepDim = false) =>
        Wrap(NativeMethods.srn_argminmax(Handle, dim ?? 0, dim is null ? 0 : 1, keepDim ? 1 : 0, 1));

    /// <summary>Variance Σ(x - mean)² / (N - 1) (or / N when not unbiased). Same as <c>torch.var</c>.</summary>
    /// <param name="dims">The dimensions, or null for all.</param>
    /// <param name="unbiased">Bessel's correction.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>The variance.</returns>
    public Tensor Var(long[]? dims = null, bool unbiased = true, bool keepDim = false) => VarStd(dims, unbiased, keepDim, isStd: false);

    /// <summary>Standard deviation, the square root of <see cref="Var"/>. Same as <c>torch.std</c>.</summary>
    /// <param name="dims">The dimensions, or null for all.</param>
    /// <param name="unbiased">Bessel's correction.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>The standard deviation.</returns>
    public Tensor Std(long[]? dims = null, bool unbiased = true, bool keepDim = false) => VarStd(dims, unbiased, keepDim, isStd: true);

    /// <summary>p-norm (Σ|x|^p)^(1/p) over all elements or over <paramref name="dims"/>. Same as <c>torch.norm</c>.</summary>
    /// <param name="p">The order (2 for Euclidean; <see cref="double.PositiveInfinity"/> for max-abs).</param>
    /// <param name="dims">The dimensions, or null for all.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>The norm.</returns>
    public Tensor Norm(double p = 2, long[]? dims = null, bool keepDim = false) =>
        Wrap(NativeMethods.srn_norm(Handle, p, dims ?? [], dims is null ? -1 : dims.Length, keepDim ? 1 : 0));

    /// <summary>log Σ e^x over <paramref name="dims"/>, computed stably. Same as <c>torch.logsumexp</c>.</summary>
    /// <param name="dims">The dimensions, or null for all.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>The result.</returns>
    public Tensor LogSumExp(long[]? dims = null, bool keepDim = false) => Reduce(ReduceOp.LogSumExp, dims, keepDim);

    /// <summary>Whether any element is non-zero. Same as <c>torch.any(input)</c>.</summary>
    /// <returns>A 0-dim bool tensor.</returns>
    public Tensor Any() => Reduce(ReduceOp.Any, null, false);

    /// <summary>Whether any element along a dimension is non-zero. Same as <c>torch.any(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Any(long dim, bool keepDim = false) => Reduce(ReduceOp.Any, [dim], keepDim);

    /// <summary>Whether every element is non-zero. Same as <c>torch.all(input)</c>.</summary>
    /// <returns>A 0-dim bool tensor.</returns>
    public Tensor All() => Reduce(ReduceOp.All, null, false);

    /// <summary>Whether every element along a dimension is non-zero. Same as <c>torch.all(input, dim, keepdim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep it with size 1.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor All(long dim, bool keepDim = false) => Reduce(ReduceOp.All, [dim], keepDim);

    /// <summary>The k largest (or smallest) values along a dimension and their indices. Same as <c>torch.topk</c>.</summary>
    /// <param name="k">How many.</param>
    /// <param name="dim">The dimension.</param>
    /// <param name="largest">Largest (true) or smallest.</param>
    /// <param name="sorted">Return them in sorted order.</param>
    /// <returns>The values and int64 indices.</returns>
    /// <exception cref="TorchException">When k exceeds the dimension's size.</exception>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        NativeMethods.Check(NativeMethods.srn_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Sorts along a dimension. Same as <c>torch.sort</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="descending">Largest first.</param>
    /// <param name="stable">Keep the order of equal elements.</param>
    /// <returns>The sorted values and the int64 permutation.</returns>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false)
    {
        NativeMethods.Check(NativeMethods.srn_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>The permutation that sorts along a dimension. Same as <c>torch.argsort</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="descending">Largest first.</param>
    /// <param name="stable">Keep the order of equal elements.</param>
    /// <returns>int64 indices.</returns>
    public Tensor ArgSort(long dim = -1, bool descending = false, bool stable = false) =>
        Wrap(NativeMethods.srn_argsort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0));

    /// <summary>Running sum along a dimension. Same as <c>torch.cumsum</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>The running sums.</returns>
    public Tensor CumSum(long dim) => Wrap(NativeMethods.srn_cumulative(Handle, dim, 0));

    /// <summary>Running product along a dimension. Same as <c>torch.cumprod</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>The running products.</returns>
    public Tensor CumProd(long dim) => Wrap(NativeMethods.srn_cumulative(Handle, dim, 1));

    private Tensor Reduce(ReduceOp op, long[]? dims, bool keepDim) =>
        Wrap(NativeMethods.srn_reduce(Handle, op, dims ?? [], dims is null ? -1 : dims.Length, keepDim ? 1 : 0));

    private (Tensor Values, Tensor Indices) MinMax(long dim, bool keepDim, bool isMin)
    {
        NativeMethods.Check(NativeMethods.srn_minmax_dim(Handle, dim, keepDim ? 1 : 0, isMin ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    private Tensor VarStd(long[]? dims, bool unbiased, bool keepDim, bool isStd) =>
        Wrap(NativeMethods.srn_var_std(Handle, dims ?? [], dims is null ? -1 : dims.Length, unbiased ? 1 : 0, keepDim ? 1 : 0, isStd ? 1 : 0));
}
