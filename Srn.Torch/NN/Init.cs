namespace Srn.Torch.NN;

/// <summary>How Kaiming initialisation scales: by the fan-in (preserves forward variance) or the fan-out (backward).</summary>
public enum FanMode
{
    /// <summary>Input connections per unit.</summary>
    FanIn,

    /// <summary>Output connections per unit.</summary>
    FanOut,
}

/// <summary>Non-linearities with a recommended initialisation gain (<see cref="Init.CalculateGain"/>).</summary>
public enum Nonlinearity
{
    /// <summary>Identity, linear and convolution layers: gain 1.</summary>
    Linear,

    /// <summary>Sigmoid: gain 1.</summary>
    Sigmoid,

    /// <summary>Tanh: gain 5/3.</summary>
    Tanh,

    /// <summary>ReLU: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU: gain √(2 / (1 + slope²)).</summary>
    LeakyRelu,

    /// <summary>SELU: gain 3/4.</summary>
    Selu,
}

/// <summary>
/// Parameter initialisation, outside autograd, drawing from the global generator in the same order as
/// <c>torch.nn.init</c>: with the same seed the values are PyTorch's, bit for bit.
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for a non-linearity. Same as <c>torch.nn.init.calculate_gain</c>.</summary>
    /// <param name="nonlinearity">The non-linearity.</param>
    /// <param name="negativeSlope">Leaky ReLU's slope (default 0.01, as PyTorch).</param>
    /// <returns>The gain.</returns>
    public static double CalculateGain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + (negativeSlope * negativeSlope))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "unknown non-linearity"),
    };

    /// <summary>fan_in = size(1)·∏size(2..), fan_out = size(0)·∏size(2..). Same as <c>torch.nn.init._calculate_fan_in_and_fan_out</c>.</summary>
    /// <param name="tensor">A tensor of at least 2 dimensions.</param>
    /// <returns>The fans.</returns>
    /// <exception cref="ArgumentException">For fewer than 2 dimensions.</exception>
    public static (long FanIn, long FanOut) FanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException($"fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [{string.Join(", ", shape)}])", nameof(tensor));
        }

        long receptive = 1;
        for (var i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }

        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>U(a, b). Same as <c>torch.nn.init.uniform_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="a">Lower bound.</param>
    /// <param name="b">Upper bound.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1) => NotNull(tensor).Uniform_(a, b);

    /// <summary>N(mean, std²). Same as <c>torch.nn.init.normal_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="mean">Mean.</param>
    /// <param name="std">Standard deviation.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1) => NotNull(tensor).Normal_(mean, std);

    /// <summary>Fills with a constant. Same as <c>torch.nn.init.constant_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="value">The value.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Constant_(Tensor tensor, double value)
    {
        using (Autograd.NoGrad())
        {
            return NotNull(tensor).Fill_(value);
        }
    }

    /// <summary>Fills with zeros. Same as <c>torch.nn.init.zeros_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    /// <summary>Fills with ones. Same as <c>torch.nn.init.ones_</c>.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>U(-b, b) with b = gain·√(3 / fan), gain for <paramref name="nonlinearity"/> with slope <paramref name="a"/>. Same as <c>torch.nn.init.kaiming_uniform_</c>.</summary>
    /// <param name="tensor">The tensor to fill (at least 2-D).</param>
    /// <param name="a">Negative slope of the leaky ReLU that follows (0 for ReLU).</param>
    /// <param name="mode">Fan-in or fan-out.</param>
    /// <param name="nonlinearity">The non-linearity (Relu or LeakyRelu).</param>
    /// <returns>The tensor.</returns>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        if (NotNull(tensor).NumEl == 0)
        {
            return tensor; // PyTorch warns "Initializing zero-element tensors is a no-op" and returns.
        }

        var bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
        return tensor.Uniform_(-bound, bound);
    }

    /// <summary>N(0, std²) with std = gain / √fan. Same as <c>torch.nn.init.kaiming_normal_</c>.</summary>
    /// <param name="tensor">The tensor to fill (at least 2-D).</param>
    /// <param name="a">Negative slope of the leaky ReLU that follows (0 for ReLU).</param>
    /// <param name="mode">Fan-in or fan-out.</param>
    /// <param name="nonlinearity">The non-linearity (Relu or LeakyRelu).</param>
    /// <returns>The tensor.</returns>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        NotNull(tensor).NumEl == 0 ? tensor : tensor.Normal_(0, KaimingStd(tensor, a, mode, nonlinearity));

    /// <summary>U(-b, b) with b = gain·√(6 / (fan_in + fan_out)). Same as <c>torch.nn.init.xavier_uniform_</c>.</summary>
    /// <param name="tensor">The tensor to fill (at least 2-D).</param>
    /// <param name="gain">Scale.</param>
    /// <returns>The tensor.</returns>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1)
    {
        var bound = Math.Sqrt(3.0) * XavierStd(tensor, gain);
        return tensor.Uniform_(-bound, bound);
    }

    /// <summary>N(0, std²) with std = gain·√(2 / (fan_in + fan_out)). Same as <c>torch.nn.init.xavier_normal_</c>.</summary>
    /// <param name="tensor">The tensor to fill (at least 2-D).</param>
    /// <param name="gain">Scale.</param>
    /// <returns>The tensor.</returns>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1) => tensor.Normal_(0, XavierStd(tensor, gain));

    /// <summary>
    /// A (semi-)orthogonal matrix: QR of a standard normal [rows, numel / rows] matrix (transposed when wider than tall),
    /// signs fixed by diag(R), times <paramref name="gain"/>. Same as <c>torch.nn.init.orthogonal_</c>.
    /// </summary>
    /// <param name="tensor">The tensor to fill (at least 2-D).</param>
    /// <param name="gain">Scale.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">For fewer than 2 dimensions.</exception>
    public static Tensor Orthogonal_(Tensor tensor, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2)
        {
            throw new ArgumentException("only tensors with 2 or more dimensions are supported", nameof(tensor));
        }

        if (tensor.NumEl == 0)
        {
            return tensor;
        }

        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var rows = tensor.Size(0);
        var cols = tensor.NumEl / rows;
        var flat = Tensor.Empty([rows, cols], tensor.DType, tensor.Device).Normal_();
        if (rows < cols)
        {
            flat = flat.Transpose(0, 1);
        }

        var (q, r) = flat.Qr();
        q = q * r.Diagonal().Sign();
        if (rows < cols)
        {
            q = q.Transpose(0, 1);
        }

        tensor.Copy_(q.Reshape(tensor.Shape)).Mul_(gain);
        return tensor;
    }

    private static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        var fan = mode == FanMode.FanIn ? fanIn : fanOut;
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    private static double XavierStd(Tensor tensor, double gain)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        return gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }

    private static Tensor NotNull(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
