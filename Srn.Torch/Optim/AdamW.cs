namespace Srn.Torch.Optim;

/// <summary>
/// AdamW: Adam with decoupled weight decay (Loshchilov and Hutter), optionally AMSGrad. Per parameter θ with gradient g
/// at its step t (counted per parameter, from 1):
/// <code>
/// g ← −g                         if maximize
/// θ ← θ·(1 − γ·λ)                 (decoupled weight decay)
/// m ← β₁·m + (1 − β₁)·g           (m and v start at zero)
/// v ← β₂·v + (1 − β₂)·g²
/// v ← v̂ = max(v̂, v)               if amsgrad (v̂ kept across steps)
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// </summary>
/// <remarks>
/// Same as <c>torch.optim.AdamW</c> (the single-tensor algorithm, <c>foreach=False</c>, of PyTorch 1.13), defaults
/// included (λ = 0.01), and the same state as <see cref="Adam"/>.
/// </remarks>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates the optimizer over one group of parameters.</summary>
    /// <param name="parameters">The parameters (leaf tensors).</param>
    /// <param name="lr">Learning rate γ (≥ 0).</param>
    /// <param name="betas">(β₁, β₂), each in [0, 1); (0.9, 0.999) when null.</param>
    /// <param name="eps">ε added to the denominator (≥ 0).</param>
    /// <param name="weightDecay">Decoupled weight decay λ (≥ 0).</param>
    /// <param name="amsgrad">Use AMSGrad's running maximum of v.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a negative lr, eps or weight decay, or a beta outside [0, 1) (PyTorch's messages).</exception>
    /// <exception cref="ArgumentException">For no parameters or a non-leaf parameter.</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(SingleGroup(parameters), lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>Creates the optimizer over parameter groups; a group's unset options take these values.</summary>
    /// <param name="paramGroups">The groups.</param>
    /// <param name="lr">Default learning rate γ (≥ 0).</param>
    /// <param name="betas">Default (β₁, β₂), each in [0, 1); (0.9, 0.999) when null.</param>
    /// <param name="eps">Default ε (≥ 0).</param>
    /// <param name="weightDecay">Default decoupled weight decay λ (≥ 0).</param>
    /// <param name="amsgrad">Default for AMSGrad.</param>
    /// <param name="maximize">Default for maximizing.</param>
    /// <exception cref="ArgumentOutOfRangeException">For an option out of range, in the defaults or a group.</exception>
    /// <exception cref="ArgumentException">For no groups or a non-leaf or repeated parameter.</exception>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, AdamAlgorithm.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize))
    {
    }

    /// <summary>AdamW keeps <c>exp_avg</c>, <c>exp_avg_sq</c> and, with AMSGrad, <c>max_exp_avg_sq</c>.</summary>
    protected override IReadOnlyCollection<string> StateTensorNames => AdamAlgorithm.StateNames;

    /// <summary>AdamW counts steps per parameter (for the bias corrections).</summary>
    protected override bool CountsSteps => true;

    /// <summary>A parameter's saved state must have <c>exp_avg</c> and <c>exp_avg_sq</c>.</summary>
    protected override IReadOnlyCollection<string> RequiredStateTensorNames => AdamAlgorithm.RequiredNames;

    /// <summary>Applies the update rule of <see cref="AdamW"/> to one parameter.</summary>
    /// <param name="group">The parameter's group.</param>
    /// <param name="parameter">θ.</param>
    /// <param name="grad">g.</param>
    /// <param name="state">The parameter's state.</param>
    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state) =>
        AdamAlgorithm.Update(group, parameter, grad, state, decoupledWeightDecay: true);
}
