using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Network;

/// <summary>
/// The gated graph neural network of SSGRL over the class nodes, with a fixed adjacency A (<c>[C, C]</c>). For node states
/// H (<c>[B, C, D]</c>, initialised to the category vectors), each of the T time steps computes
/// <code>
/// m_c = [(A H)_c ; (Aᵀ H)_c]                       (2D)
/// z_c = σ(W_z m_c + U_z h_c)
/// r_c = σ(W_r m_c + U_r h_c)
/// h~_c = tanh(W_h m_c + U_h (r_c ⊙ h_c))
/// h_c ← (1 − z_c) ⊙ h_c + z_c ⊙ h~_c
/// </code>
/// with every W and U a Linear layer with bias.
/// </summary>
/// <remarks>
/// Same as <c>GatedGNN</c> of HCPLab-SYSU/HCP-MLR-PL (<c>model/GraphNeuralNetwork.py</c>), with its names: W_z, U_z, W_r,
/// U_r, W_h, U_h are <c>fc_1_w, fc_1_u, fc_2_w, fc_2_u, fc_3_w, fc_3_u</c>, and A and Aᵀ are the persistent buffers
/// <c>inMatrix</c> and <c>outMatrix</c> (the reference keeps them as frozen parameters), so a checkpoint carries the
/// adjacency it was trained with.
/// </remarks>
public sealed class GatedGnn : Module<Tensor, Tensor>
{
    /// <summary>Creates the network and initialises its layers from the global generator.</summary>
    /// <param name="hiddenDim">D, the node state size.</param>
    /// <param name="adjacency">A, <c>[C, C]</c>, copied (see <see cref="LabelAdjacency"/>).</param>
    /// <param name="timeSteps">T (the reference uses 3).</param>
    /// <exception cref="ArgumentException">When the adjacency is not square, or holds a NaN or an infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For a size or a number of steps below 1.</exception>
    public GatedGnn(long hiddenDim, Tensor adjacency, int timeSteps = 3)
    {
        ArgumentNullException.ThrowIfNull(adjacency);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeSteps, 1);
        if (adjacency.Dim != 2 || adjacency.Size(0) != adjacency.Size(1) || adjacency.Size(0) < 1)
        {
            throw new ArgumentException($"the adjacency must be a square [classes, classes] matrix, got [{string.Join(", ", adjacency.Shape)}]", nameof(adjacency));
        }

        using (var finite = adjacency.IsFinite())
        using (var all = finite.All())
        {
            if (!all.Item<bool>())
            {
                throw new ArgumentException("the adjacency holds a NaN or an infinity (give a class without known positives a zero row)", nameof(adjacency));
            }
        }

        HiddenDim = hiddenDim;
        TimeSteps = timeSteps;
        NumClasses = adjacency.Size(0);
        using (var detached = adjacency.Detach())
        {
            InMatrix = RegisterBuffer("inMatrix", detached.To(ScalarType.Float32, copy: true))!;
        }

        using (var transposed = InMatrix.Transpose(0, 1))
        {
            OutMatrix = RegisterBuffer("outMatrix", transposed.Contiguous())!;
        }

        FcZw = RegisterModule("fc_1_w", new Linear(2 * hiddenDim, hiddenDim));
        FcZu = RegisterModule("fc_1_u", new Linear(hiddenDim, hiddenDim));
        FcRw = RegisterModule("fc_2_w", new Linear(2 * hiddenDim, hiddenDim));
        FcRu = RegisterModule("fc_2_u", new Linear(hiddenDim, hiddenDim));
        FcHw = RegisterModule("fc_3_w", new Linear(2 * hiddenDim, hiddenDim));
        FcHu = RegisterModule("fc_3_u", new Linear(hiddenDim, hiddenDim));
    }

    /// <summary>D, the node state size.</summary>
    public long HiddenDim { get; }

    /// <summary>T, the number of propagation steps.</summary>
    public int TimeSteps { get; }

    /// <summary>C, the number of nodes.</summary>
    public long NumClasses { get; }

    /// <summary>A, <c>[C, C]</c> (buffer <c>inMatrix</c>).</summary>
    public Tensor InMatrix { get; }

    /// <summary>Aᵀ, <c>[C, C]</c> (buffer <c>outMatrix</c>).</summary>
    public Tensor OutMatrix { get; }

    /// <summary>W_z (<c>fc_1_w</c>).</summary>
    public Linear FcZw { get; }

    /// <summary>U_z (<c>fc_1_u</c>).</summary>
    public Linear FcZu { get; }

    /// <summary>W_r (<c>fc_2_w</c>).</summary>
    public Linear FcRw { get; }

    /// <summary>U_r (<c>fc_2_u</c>).</summary>
    public Linear FcRu { get; }

    /// <summary>W_h (<c>fc_3_w</c>).</summary>
    public Linear FcHw { get; }

    /// <summary>U_h (<c>fc_3_u</c>).</summary>
    public Linear FcHu { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the input is not <c>[B, C, D]</c>.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 3 || input.Size(1) != NumClasses || input.Size(2) != HiddenDim)
        {
            throw new ArgumentException($"GatedGnn expects node states [batch, {NumClasses}, {HiddenDim}], got [{string.Join(", ", input.Shape)}]", nameof(input));
        }

        using var scope = DisposeScope.Enter();
        var h = input;
        for (var t = 0; t < TimeSteps; t++)
        {
            var messages = Tensor.Cat([InMatrix.MatMul(h), OutMatrix.MatMul(h)], 2); // [B, C, 2D]
            var z = (FcZw.Forward(messages) + FcZu.Forward(h)).Sigmoid();
            var r = (FcRw.Forward(messages) + FcRu.Forward(h)).Sigmoid();
            var candidate = (FcHw.Forward(messages) + FcHu.Forward(r * h)).Tanh();
            h = ((1.0 - z) * h) + (z * candidate);
        }

        return ReferenceEquals(h, input) ? h.Alias() : h.MoveToOuterScope();
    }
}
