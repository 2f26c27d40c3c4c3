using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>
/// Stateless neural-network operations: the .NET face of <c>torch.nn.functional</c>. Layers are here;
/// losses in the other part of this class. Arguments, defaults and results follow PyTorch; every method
/// runs the ATen function PyTorch runs, so results (and gradients) match it.
/// </summary>
/// <remarks>
/// 2-d arguments (kernel size, stride, padding, dilation, output size) are <see cref="IntPair"/> values, which
/// convert from one integer or an (h, w) tuple, like PyTorch's <c>int or (int, int)</c>. Errors reported by
/// libtorch are thrown as <see cref="TorchException"/> with libtorch's message.
/// </remarks>
public static partial class Functional
{
    /// <summary>
    /// 2-d convolution (cross-correlation) over an input of shape (N, C_in, H, W) or (C_in, H, W).
    /// Same as <c>torch.nn.functional.conv2d</c>.
    /// </summary>
    /// <param name="input">The input, (N, C_in, H, W) or unbatched (C_in, H, W).</param>
    /// <param name="weight">The filters, (C_out, C_in / groups, kH, kW).</param>
    /// <param name="bias">Optional bias of shape (C_out).</param>
    /// <param name="stride">Stride of the kernel (default 1).</param>
    /// <param name="padding">Implicit zero padding on both sides (default 0).</param>
    /// <param name="dilation">Spacing between kernel elements (default 1).</param>
    /// <param name="groups">Number of blocked connections from input to output channels; C_in and C_out must both be divisible by it.</param>
    /// <returns>The output, (N, C_out, H_out, W_out).</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="weight"/> is null.</exception>
    /// <exception cref="TorchException">When shapes do not agree (channel count, number of dimensions, kernel larger than the padded input).</exception>
    public static unsafe Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, IntPair? stride = null, IntPair? padding = null, IntPair? dilation = null, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var s = stackalloc long[6];
        Put(s, stride ?? 1);
        Put(s + 2, padding ?? 0);
        Put(s + 4, dilation ?? 1);
        return Tensor.Wrap(NativeMethods.srn_conv2d(input.Handle, weight.Handle, Tensor.HandleOrNull(bias), s, s + 2, s + 4, groups));
    }

    /// <summary>
    /// Batch normalisation over the channel dimension (1) of an input (N, C, ...):
    /// <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c>. Same as <c>torch.nn.functional.batch_norm</c>.
    /// </summary>
    /// <remarks>
    /// In training mode the batch statistics (biased variance) normalise the input, and the running statistics,
    /// when given, are updated in place: <c>running = (1 - momentum) * running + momentum * batch</c>, with the
    /// unbiased batch variance for <paramref name="runningVar"/>. In evaluation mode the running statistics normalise.
    /// </remarks>
    /// <param name="input">The input, (N, C) or (N, C, ...).</param>
    /// <param name="runningMean">Running mean of shape (C), or null; updated in place when training.</param>
    /// <param name="runningVar">Running variance of shape (C), or null; updated in place when training.</param>
    /// <param name="weight">Optional per-channel scale (gamma), shape (C).</param>
    /// <param name="bias">Optional per-channel shift (beta), shape (C).</param>
    /// <param name="training">Use batch statistics (and update running ones) instead of the running statistics.</param>
    /// <param name="momentum">Weight of the batch statistics in the running update.</param>
    /// <param name="eps">Added to the variance for numerical stability.</param>
    /// <returns>The normalised tensor, shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When a channel has a single value in training mode, shapes disagree, or running statistics are missing in evaluation mode.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(NativeMethods.srn_batch_norm(
            input.Handle, Tensor.HandleOrNull(runningMean), Tensor.HandleOrNull(runningVar), Tensor.HandleOrNull(weight), Tensor.HandleOrNull(bias), training ? 1 : 0, momentum, eps));
    }

    /// <summary>
    /// Layer normalisation over the trailing dimensions given by <paramref name="normalizedShape"/>:
    /// <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c> with the biased variance.
    /// Same as <c>torch.nn.functional.layer_norm</c>.
    /// </summary>
    /// <param name="input">The input; its last dimensions must equal <paramref name="normalizedShape"/>.</param>
    /// <param name="normalizedShape">The shape of the normalised trailing dimensions.</param>
    /// <param name="weight">Optional elementwise scale, shaped <paramref name="normalizedShape"/>.</param>
    /// <param name="bias">Optional elementwise shift, shaped <paramref name="normalizedShape"/>.</param>
    /// <param name="eps">Added to the variance for numerical stability.</param>
    /// <returns>The normalised tensor, shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the trailing dimensions of the input do not match <paramref name="normalizedShape"/>.</exception>
    public static unsafe Tensor LayerNorm(Tensor input, ReadOnlySpan<long> normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        fixed (long* shape = normalizedShape)
        {
            return Tensor.Wrap(NativeMethods.srn_layer_norm(input.Handle, shape, normalizedShape.Length, Tensor.HandleOrNull(weight), Tensor.HandleOrNull(bias), eps));
        }
    }

    /// <summary>2-d max pooling over an input (N, C, H, W) or (C, H, W). Same as <c>torch.nn.functional.max_pool2d</c>.</summary>
    /// <param name="input">The input.</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="stride">The window stride (default: <paramref name="kernelSize"/>).</param>
    /// <param name="padding">Implicit negative-infinity padding on both sides, at most half the kernel (default 0).</param>
    /// <param name="dilation">Spacing between window elements (default 1).</param>
    /// <param name="ceilMode">Round the output size up instead of down, so windows may start in the right/bottom padding.</param>
    /// <returns>The pooled tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the window is larger than the padded input, or the padding exceeds half the kernel.</exception>
    public static unsafe Tensor MaxPool2d(Tensor input, IntPair kernelSize, IntPair? stride = null, IntPair? padding = null, IntPair? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = stackalloc long[8];
        var st = PoolArgs(a, kernelSize, stride, padding ?? 0, dilation ?? 1);
        return Tensor.Wrap(NativeMethods.srn_max_pool2d(input.Handle, a, st, a + 4, a + 6, ceilMode ? 1 : 0));
    }

    /// <summary>
    /// 2-d max pooling that also returns where each maximum came from. Same as
    /// <c>torch.nn.functional.max_pool2d(..., return_indices=True)</c>.
    /// </summary>
    /// <param name="input">The input, (N, C, H, W) or (C, H, W).</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="stride">The window stride (default: <paramref name="kernelSize"/>).</param>
    /// <param name="padding">Implicit negative-infinity padding on both sides (default 0).</param>
    /// <param name="dilation">Spacing between window elements (default 1).</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <returns>The pooled tensor and the int64 flat index (h * W + w) within each input plane of every maximum.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the window is larger than the padded input.</exception>
    public static unsafe (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, IntPair kernelSize, IntPair? stride = null, IntPair? padding = null, IntPair? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = stackalloc long[8];
        var st = PoolArgs(a, kernelSize, stride, padding ?? 0, dilation ?? 1);
        var r = Tensor.WrapList(NativeMethods.srn_max_pool2d_with_indices(input.Handle, a, st, a + 4, a + 6, ceilMode ? 1 : 0));
        return (r[0], r[1]);
    }

    /// <summary>2-d average pooling over an input (N, C, H, W) or (C, H, W). Same as <c>torch.nn.functional.avg_pool2d</c>.</summary>
    /// <param name="input">The input.</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="stride">The window stride (default: <paramref name="kernelSize"/>).</param>
    /// <param name="padding">Implicit zero padding on both sides, at most half the kernel (default 0).</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count the zero padding in the divisor.</param>
    /// <param name="divisorOverride">If given, the divisor of every window instead of its size.</param>
    /// <returns>The pooled tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="divisorOverride"/> is zero.</exception>
    /// <exception cref="TorchException">When the window is larger than the padded input, or the padding exceeds half the kernel.</exception>
    public static unsafe Tensor AvgPool2d(Tensor input, IntPair kernelSize, IntPair? stride = null, IntPair? padding = null, bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (divisorOverride == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), "divisor must not be zero");
        }

        var a = stackalloc long[8];
        var st = PoolArgs(a, kernelSize, stride, padding ?? 0, 1);
        return Tensor.Wrap(NativeMethods.srn_avg_pool2d(input.Handle, a, st, a + 4, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, divisorOverride ?? 0));
    }

    /// <summary>
    /// 2-d adaptive average pooling: averages over windows chosen so the output has <paramref name="outputSize"/>.
    /// Same as <c>torch.nn.functional.adaptive_avg_pool2d</c>.
    /// </summary>
    /// <param name="input">The input, (N, C, H, W) or (C, H, W).</param>
    /// <param name="outputSize">The output (H, W); a negative component keeps that input size (PyTorch's None).</param>
    /// <returns>The pooled tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the input is not 3-d or 4-d.</exception>
    public static unsafe Tensor AdaptiveAvgPool2d(Tensor input, IntPair outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = stackalloc long[2];
        Put(a, outputSize);
        return Tensor.Wrap(NativeMethods.srn_adaptive_avg_pool2d(input.Handle, a));
    }

    /// <summary>2-d adaptive max pooling to <paramref name="outputSize"/>. Same as <c>torch.nn.functional.adaptive_max_pool2d</c>.</summary>
    /// <param name="input">The input, (N, C, H, W) or (C, H, W).</param>
    /// <param name="outputSize">The output (H, W); a negative component keeps that input size (PyTorch's None).</param>
    /// <returns>The pooled tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the input is not 3-d or 4-d.</exception>
    public static Tensor AdaptiveMaxPool2d(Tensor input, IntPair outputSize)
    {
        var (output, indices) = AdaptiveMaxPool2dWithIndices(input, outputSize);
        indices.Dispose();
        return output;
    }

    /// <summary>
    /// 2-d adaptive max pooling that also returns where each maximum came from.
    /// Same as <c>torch.nn.functional.adaptive_max_pool2d(..., return_indices=True)</c>.
    /// </summary>
    /// <param name="input">The input, (N, C, H, W) or (C, H, W).</param>
    /// <param name="outputSize">The output (H, W); a negative component keeps that input size (PyTorch's None).</param>
    /// <returns>The pooled tensor and the int64 flat index (h * W + w) within each input plane of every maximum.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the input is not 3-d or 4-d.</exception>
    public static unsafe (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, IntPair outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = stackalloc long[2];
        Put(a, outputSize);
        var r = Tensor.WrapList(NativeMethods.srn_adaptive_max_pool2d(input.Handle, a));
        return (r[0], r[1]);
    }

    /// <summary>An affine map <c>y = x W^T + b</c> over the last dimension. Same as <c>torch.nn.functional.linear</c>.</summary>
    /// <param name="input">The input, (*, in_features).</param>
    /// <param name="weight">The weight, (out_features, in_features).</param>
    /// <param name="bias">Optional bias, (out_features).</param>
    /// <returns>The output, (*, out_features).</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="weight"/> is null.</exception>
    /// <exception cref="TorchException">When in_features of input and weight differ.</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        return Tensor.Wrap(NativeMethods.srn_linear(input.Handle, weight.Handle, Tensor.HandleOrNull(bias)));
    }

    /// <summary>
    /// Zeroes each element with probability <paramref name="p"/> and scales the others by <c>1 / (1 - p)</c>,
    /// when training; the identity otherwise. Same as <c>torch.nn.functional.dropout</c>.
    /// </summary>
    /// <remarks>The mask is drawn from the global generator, so <see cref="LibTorch.ManualSeed"/> makes it reproducible (and equal to PyTorch's after <c>torch.manual_seed</c>).</remarks>
    /// <param name="input">The input.</param>
    /// <param name="p">Probability of an element being zeroed, in [0, 1].</param>
    /// <param name="training">Apply dropout; when false, returns the input's values unchanged.</param>
    /// <returns>The result, shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="p"/> is outside [0, 1].</exception>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability has to be between 0 and 1");
        }

        return Tensor.Wrap(NativeMethods.srn_dropout(input.Handle, p, training ? 1 : 0));
    }

    /// <summary>
    /// Resizes a batch of images (N, C, H, W) to <paramref name="size"/> or by <paramref name="scaleFactor"/>.
    /// Same as <c>torch.nn.functional.interpolate</c> (4-d input, antialias off).
    /// </summary>
    /// <param name="input">The input, (N, C, H, W).</param>
    /// <param name="size">The output (H, W). Exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/> is given.</param>
    /// <param name="scaleFactor">The factor applied to both H and W.</param>
    /// <param name="mode">The interpolation: nearest, bilinear, bicubic, area or nearest-exact.</param>
    /// <param name="alignCorners">
    /// For bilinear and bicubic only (default false): whether the corner pixels of input and output are aligned
    /// (their centres coincide) rather than their outer edges. Must be null for the other modes.
    /// </param>
    /// <param name="recomputeScaleFactor">
    /// With <paramref name="scaleFactor"/>: compute the output size <c>floor(in * scale)</c> and interpolate as if that
    /// size had been given, instead of using the scale factor itself in the sampling.
    /// </param>
    /// <returns>The resized tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">When both or neither of size and scale factor are given, or align corners is set for a non-interpolating mode.</exception>
    /// <exception cref="TorchException">When the input is not 4-d or the output size is not positive.</exception>
    public static unsafe Tensor Interpolate(Tensor input, IntPair? size = null, double? scaleFactor = null, InterpolationMode mode = InterpolationMode.Nearest, bool? alignCorners = null, bool recomputeScaleFactor = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckSizeOrScale(size, scaleFactor);

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown interpolation mode");
        }

        if (alignCorners is not null && mode is not (InterpolationMode.Bilinear or InterpolationMode.Bicubic))
        {
            throw new ArgumentException("interpolate: alignCorners can only be set with the interpolating modes Bilinear and Bicubic", nameof(alignCorners));
        }

        if (size is not null && recomputeScaleFactor)
        {
            throw new ArgumentException("interpolate: recomputeScaleFactor is not meaningful with an explicit size", nameof(recomputeScaleFactor));
        }

        var s = stackalloc long[2];
        long* sizePtr = null;
        if (size is { } sz)
        {
            Put(s, sz);
            sizePtr = s;
        }

        var scale = scaleFactor ?? 0;
        var corners = alignCorners is null ? -1 : alignCorners.Value ? 1 : 0;
        return Tensor.Wrap(NativeMethods.srn_interpolate(input.Handle, sizePtr, scale, scale, (int)mode, corners, recomputeScaleFactor ? 1 : 0));
    }

    /// <summary>
    /// Samples <paramref name="input"/> at the normalised locations of <paramref name="grid"/> (x, y in [-1, 1]).
    /// Same as <c>torch.nn.functional.grid_sample</c> for 4-d inputs.
    /// </summary>
    /// <param name="input">The input, (N, C, H_in, W_in).</param>
    /// <param name="grid">The sampling locations, (N, H_out, W_out, 2), the last dimension (x, y); -1 is the left/top, 1 the right/bottom.</param>
    /// <param name="mode">Bilinear, Nearest or Bicubic.</param>
    /// <param name="paddingMode">What locations outside the input read.</param>
    /// <param name="alignCorners">Whether -1 and 1 are the centres of the corner pixels (true) or their outer edges (false).</param>
    /// <returns>The sampled tensor, (N, C, H_out, W_out).</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="grid"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For <see cref="InterpolationMode.Area"/> or <see cref="InterpolationMode.NearestExact"/>, or an unknown padding mode.</exception>
    /// <exception cref="TorchException">When input and grid shapes disagree.</exception>
    public static Tensor GridSample(Tensor input, Tensor grid, InterpolationMode mode = InterpolationMode.Bilinear, GridSamplePadding paddingMode = GridSamplePadding.Zeros, bool alignCorners = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(grid);
        var code = mode switch
        {
            InterpolationMode.Bilinear => 0,
            InterpolationMode.Nearest => 1,
            InterpolationMode.Bicubic => 2,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "grid_sample supports the Bilinear, Nearest and Bicubic modes"),
        };
        if (!Enum.IsDefined(paddingMode))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingMode), paddingMode, "unknown grid-sample padding mode");
        }

        return Tensor.Wrap(NativeMethods.srn_grid_sample(input.Handle, grid.Handle, code, (int)paddingMode, alignCorners ? 1 : 0));
    }

    /// <summary>
    /// Pads the last dimensions of a tensor. <paramref name="pad"/> lists (before, after) amounts starting from the
    /// last dimension: (left, right), then (top, bottom), and so on. Same as <c>torch.nn.functional.pad</c>.
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="pad">An even number of padding amounts, last dimension first; negative values crop (constant mode).</param>
    /// <param name="mode">Constant, Reflect, Replicate or Circular. The non-constant modes pad the last 1 to 3 dimensions of a batched or unbatched input (for example 2 or 4 amounts for a (N, C, H, W) input).</param>
    /// <param name="value">The fill value for <see cref="PaddingMode.Constant"/>; must be 0 for the other modes.</param>
    /// <returns>The padded tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="pad"/> has an odd length, or a value is given for a non-constant mode.</exception>
    /// <exception cref="TorchException">When the padding does not fit the input (e.g. reflect padding not smaller than the dimension).</exception>
    public static unsafe Tensor Pad(Tensor input, ReadOnlySpan<long> pad, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (pad.Length % 2 != 0)
        {
            throw new ArgumentException($"pad: the padding must have an even length (before, after pairs), got {pad.Length} values", nameof(pad));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown padding mode");
        }

        if (mode != PaddingMode.Constant && value != 0)
        {
            throw new ArgumentException($"pad: padding mode {mode} does not take a value", nameof(value));
        }

        fixed (long* p = pad)
        {
            return Tensor.Wrap(NativeMethods.srn_pad(input.Handle, p, pad.Length, (int)mode, value));
        }
    }

    /// <summary>
    /// Cosine similarity along a dimension: <c>sum(x1 * x2) / max(||x1|| * ||x2||, eps)</c> (the inputs broadcast).
    /// Same as <c>torch.nn.functional.cosine_similarity</c>.
    /// </summary>
    /// <param name="x1">First input.</param>
    /// <param name="x2">Second input, broadcastable with <paramref name="x1"/>.</param>
    /// <param name="dim">The dimension of the vectors.</param>
    /// <param name="eps">Lower bound of the norm product, against division by zero.</param>
    /// <returns>The similarities, with <paramref name="dim"/> removed.</returns>
    /// <exception cref="ArgumentNullException">When an input is null.</exception>
    /// <exception cref="TorchException">When the shapes do not broadcast or <paramref name="dim"/> is out of range.</exception>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        return Tensor.Wrap(NativeMethods.srn_cosine_similarity(x1.Handle, x2.Handle, dim, eps));
    }

    /// <summary>
    /// Divides each vector along <paramref name="dim"/> by its p-norm: <c>x / max(||x||_p, eps)</c>.
    /// Same as <c>torch.nn.functional.normalize</c>.
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="p">The exponent of the norm.</param>
    /// <param name="dim">The dimension of the vectors.</param>
    /// <param name="eps">Lower bound of the norm, against division by zero.</param>
    /// <returns>The normalised tensor, shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When <paramref name="dim"/> is out of range.</exception>
    public static Tensor Normalize(Tensor input, double p = 2.0, long dim = 1, double eps = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(NativeMethods.srn_normalize(input.Handle, p, dim, eps));
    }

    /// <summary>
    /// One-hot encodes int64 class indices: a new last dimension of size <paramref name="numClasses"/> with a 1 at each index.
    /// Same as <c>torch.nn.functional.one_hot</c>.
    /// </summary>
    /// <param name="input">Class indices (int64), any shape.</param>
    /// <param name="numClasses">Number of classes; -1 means the largest index plus one.</param>
    /// <returns>An int64 tensor of shape (*, numClasses).</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="TorchException">When the input is not int64, an index is negative, or an index is not below <paramref name="numClasses"/>.</exception>
    public static Tensor OneHot(Tensor input, long numClasses = -1)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(NativeMethods.srn_one_hot(input.Handle, numClasses));
    }

    private static unsafe void Put(long* dst, IntPair pair)
    {
        dst[0] = pair.H;
        dst[1] = pair.W;
    }

    // Lays out kernel (a), stride (a + 2), padding (a + 4), dilation (a + 6); returns the stride pointer, or
    // null for "same as the kernel" (PyTorch's stride=None).
    private static unsafe long* PoolArgs(long* a, IntPair kernelSize, IntPair? stride, IntPair padding, IntPair dilation)
    {
        Put(a, kernelSize);
        Put(a + 4, padding);
        Put(a + 6, dilation);
        if (stride is { } s)
        {
            Put(a + 2, s);
            return a + 2;
        }

        return null;
    }
}
