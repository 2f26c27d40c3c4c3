namespace Srn.Torch.NN;

/// <summary>
/// One step of a gated recurrent unit, with PyTorch's gate order (reset r, update z, new n):
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
/// Same as <c>torch.nn.GRUCell</c>, including its initialisation: every parameter ~ U(±1/√hidden_size), drawn in the
/// order weight_ih, weight_hh, bias_ih, bias_hh.
/// </summary>
/// <remarks>
/// The input is [batch, input_size] (or [input_size] for a single sample); the hidden state [batch, hidden_size]
/// (or [hidden_size]), zeros when null. The step is composed of tensor ops in the order ATen's CPU <c>gru_cell</c>
/// uses, so its values and gradients are PyTorch's.
/// </remarks>
public sealed class GRUCell : Module<(Tensor Input, Tensor? Hidden), Tensor>
{
    /// <summary>Creates the cell and initialises it from the global generator.</summary>
    /// <param name="inputSize">Input features.</param>
    /// <param name="hiddenSize">Hidden features.</param>
    /// <param name="bias">Whether to learn the biases b_ih and b_hh.</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    /// <exception cref="ArgumentOutOfRangeException">For a negative size.</exception>
    public GRUCell(long inputSize, long hiddenSize, bool bias = true, ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenSize);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        WeightIh = RegisterParameter("weight_ih", Tensor.Empty([3 * hiddenSize, inputSize], dtype))!;
        WeightHh = RegisterParameter("weight_hh", Tensor.Empty([3 * hiddenSize, hiddenSize], dtype))!;
        BiasIh = RegisterParameter("bias_ih", bias ? Tensor.Empty([3 * hiddenSize], dtype) : null);
        BiasHh = RegisterParameter("bias_hh", bias ? Tensor.Empty([3 * hiddenSize], dtype) : null);
        ResetParameters();
    }

    /// <summary>Input features.</summary>
    public long InputSize { get; }

    /// <summary>Hidden features.</summary>
    public long HiddenSize { get; }

    /// <summary>(W_ir | W_iz | W_in), [3·hidden, input].</summary>
    public Tensor WeightIh { get; }

    /// <summary>(W_hr | W_hz | W_hn), [3·hidden, hidden].</summary>
    public Tensor WeightHh { get; }

    /// <summary>(b_ir | b_iz | b_in), [3·hidden], or null.</summary>
    public Tensor? BiasIh { get; }

    /// <summary>(b_hr | b_hz | b_hn), [3·hidden], or null.</summary>
    public Tensor? BiasHh { get; }

    /// <summary>Re-draws every parameter from U(±1/√hidden_size) in registration order. Same as <c>GRUCell.reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        var bound = HiddenSize > 0 ? 1 / Math.Sqrt(HiddenSize) : 0;
        foreach (var p in Parameters(recurse: false))
        {
            Init.Uniform_(p, -bound, bound);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the input is not 1-D or 2-D, or the input or hidden sizes do not fit the cell.</exception>
    protected override Tensor ForwardCore((Tensor Input, Tensor? Hidden) input)
    {
        var (x, h) = input;
        ArgumentNullException.ThrowIfNull(x, nameof(input));
        CheckShapes(x, h);
        var batched = x.Dim == 2;
        using var scope = DisposeScope.Enter();
        var x2 = batched ? x : x.Unsqueeze(0);
        var h2 = h is null ? Tensor.Zeros([x2.Size(0), HiddenSize], x.DType, x.Device) : batched ? h : h.Unsqueeze(0);
        var gi = Functional.Linear(x2, WeightIh, BiasIh).Chunk(3, 1);
        var gh = Functional.Linear(h2, WeightHh, BiasHh).Chunk(3, 1);
        var r = (gh[0] + gi[0]).Sigmoid();
        var z = (gh[1] + gi[1]).Sigmoid();
        var n = (gi[2] + (gh[2] * r)).Tanh();
        var next = ((h2 - n) * z) + n;
        return (batched ? next : next.Squeeze(0)).MoveToOuterScope();
    }

    private void CheckShapes(Tensor x, Tensor? h)
    {
        var xs = x.Shape;
        if (xs.Length is not (1 or 2))
        {
            throw new ArgumentException($"GRUCell: expected the input to be 1-D or 2-D, got shape [{string.Join(", ", xs)}]", nameof(x));
        }

        if (xs[^1] != InputSize)
        {
            throw new ArgumentException($"GRUCell: the input has {xs[^1]} features (shape [{string.Join(", ", xs)}]), the cell expects {InputSize}", nameof(x));
        }

        if (h is null)
        {
            return;
        }

        long[] want = xs.Length == 2 ? [xs[0], HiddenSize] : [HiddenSize];
        if (!h.Shape.AsSpan().SequenceEqual(want))
        {
            throw new ArgumentException($"GRUCell: the hidden state has shape [{string.Join(", ", h.Shape)}], expected [{string.Join(", ", want)}] for input [{string.Join(", ", xs)}]", nameof(h));
        }
    }
}
