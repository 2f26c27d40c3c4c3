namespace Srn.Torch.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay. Per parameter θ with
/// gradient g at step t:
/// <code>
/// g ← −g                              if maximize
/// g ← g + λ·θ                          if λ ≠ 0            (weight decay)
/// b ← g (t = 1),  b ← μ·b + (1 − τ)·g   if μ ≠ 0            (momentum buffer; the first one is a copy of g)
/// g ← g + μ·b  if nesterov,  else g ← b   if μ ≠ 0
/// θ ← θ − γ·g
/// </code>
/// </summary>
/// <remarks>
/// Same as <c>torch.optim.SGD</c> (the single-tensor algorithm, <c>foreach=False</c>, of PyTorch 1.13), state included:
/// the per-parameter state is <c>momentum_buffer</c>, created on the first step that has a gradient.
/// </remarks>
/// <example>
/// <code>
/// using var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
/// loss.Backward();
/// optimizer.Step();
/// optimizer.ZeroGrad();
/// </code>
/// </example>
public sealed class SGD : Optimizer
{
    private const string MomentumBuffer = "momentum_buffer";
    private static readonly string[] Names = [MomentumBuffer];

    /// <summary>Creates the optimizer over one group of parameters.</summary>
    /// <param name="parameters">The parameters (leaf tensors).</param>
    /// <param name="lr">Learning rate γ (≥ 0).</param>
    /// <param name="momentum">Momentum factor μ (≥ 0).</param>
    /// <param name="dampening">Dampening τ of the momentum.</param>
    /// <param name="weightDecay">L2 penalty λ (≥ 0).</param>
    /// <param name="nesterov">Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a negative lr ("Invalid learning rate: …"), momentum or weight decay.</exception>
    /// <exception cref="ArgumentException">For no parameters, a non-leaf parameter, or Nesterov without momentum or with dampening.</exception>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(SingleGroup(parameters), lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    /// <summary>Creates the optimizer over parameter groups; a group's unset options take these values.</summary>
    /// <param name="paramGroups">The groups.</param>
    /// <param name="lr">Default learning rate γ (≥ 0).</param>
    /// <param name="momentum">Default momentum factor μ (≥ 0).</param>
    /// <param name="dampening">Default dampening τ.</param>
    /// <param name="weightDecay">Default L2 penalty λ (≥ 0).</param>
    /// <param name="nesterov">Default for Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="maximize">Default for maximizing.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a negative lr, momentum or weight decay, in the defaults or a group.</exception>
    /// <exception cref="ArgumentException">For no groups, a non-leaf or repeated parameter, or Nesterov without momentum or with dampening.</exception>
    public SGD(IEnumerable<ParamGroup> paramGroups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(paramGroups, DefaultsOf(lr, momentum, dampening, weightDecay, nesterov, maximize))
    {
    }

    /// <summary>SGD keeps <c>momentum_buffer</c> per parameter (only when μ ≠ 0).</summary>
    protected override IReadOnlyCollection<string> StateTensorNames => Names;

    /// <summary>SGD keeps no step count.</summary>
    protected override bool CountsSteps => false;

    /// <summary>Applies the update rule of <see cref="SGD"/> to one parameter.</summary>
    /// <param name="group">The parameter's group.</param>
    /// <param name="parameter">θ.</param>
    /// <param name="grad">g.</param>
    /// <param name="state">The parameter's state.</param>
    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(grad);
        ArgumentNullException.ThrowIfNull(state);
        var weightDecay = group.WeightDecay;
        var momentum = group.Momentum;
        var d = group.Maximize ? -grad : grad;
        if (weightDecay != 0)
        {
            d = d.Add(parameter, alpha: weightDecay);
        }

        if (momentum != 0)
        {
            if (!state.TryGet(MomentumBuffer, out var buffer))
            {
                buffer = state.Set(MomentumBuffer, d.Clone());
            }
            else
            {
                buffer.Mul_(momentum).Add_(d, alpha: 1 - group.Dampening);
            }

            d = group.Nesterov ? d.Add(buffer, alpha: momentum) : buffer;
        }

        parameter.Add_(d, alpha: -group.Lr);
    }

    private static Dictionary<string, double> DefaultsOf(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["lr"] = lr,
            ["momentum"] = momentum,
            ["dampening"] = dampening,
            ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov ? 1 : 0,
            ["maximize"] = maximize ? 1 : 0,
        };
        CheckOptions(d);
        return d;
    }
}
