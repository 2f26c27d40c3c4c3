using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Parameters optimized together, with their own hyper-parameters (learning rate, weight decay, momentum, betas, …).
/// A hyper-parameter left unset takes the optimizer's default when the group joins the optimizer.
/// </summary>
/// <remarks>
/// Same as one entry of <c>torch.optim.Optimizer.param_groups</c> (a dict with <c>'params'</c> and options).
/// Options are kept by their PyTorch names (<c>"lr"</c>, <c>"weight_decay"</c>, <c>"momentum"</c>, <c>"dampening"</c>,
/// <c>"nesterov"</c>, <c>"beta1"</c>/<c>"beta2"</c> for PyTorch's <c>betas</c>, <c>"eps"</c>, <c>"amsgrad"</c>,
/// <c>"maximize"</c>) and schedulers add their own (<c>"initial_lr"</c>, <c>"max_lr"</c>, …); booleans are stored as 0 and 1.
/// The typed properties read and write the same table.
/// </remarks>
/// <example>
/// <code>
/// var optimizer = new SGD(
///     [new ParamGroup(backbone) { Lr = 0.01 }, new ParamGroup(head) { WeightDecay = 0 }],
///     lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
/// </code>
/// </example>
public sealed class ParamGroup
{
    private readonly Dictionary<string, double> options = new(StringComparer.Ordinal);

    /// <summary>Creates a group of parameters; set hyper-parameters with the properties or the indexer.</summary>
    /// <param name="parameters">The tensors to optimize: leaves of the autograd graph (usually with <c>RequiresGrad</c> set).</param>
    /// <exception cref="ArgumentNullException">When <paramref name="parameters"/> or one of its elements is null.</exception>
    public ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(nameof(parameters), $"parameter {i} of the group is null");
            }
        }

        Parameters = list;
    }

    /// <summary>The parameters of the group, in order. Same as <c>param_group['params']</c>.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Every option set on the group, by PyTorch name.</summary>
    public IReadOnlyDictionary<string, double> Options => options;

    /// <summary>Learning rate γ. Same as <c>param_group['lr']</c>; schedulers write it.</summary>
    /// <exception cref="InvalidOperationException">On read, when neither the group nor an optimizer set it yet.</exception>
    public double Lr { get => this["lr"]; set => this["lr"] = value; }

    /// <summary>Weight decay λ (L2 penalty for SGD and Adam, decoupled for AdamW). Same as <c>param_group['weight_decay']</c>.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public double WeightDecay { get => this["weight_decay"]; set => this["weight_decay"] = value; }

    /// <summary>Momentum factor μ of <see cref="SGD"/>. Same as <c>param_group['momentum']</c>; <see cref="OneCycleLR"/> cycles it.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public double Momentum { get => this["momentum"]; set => this["momentum"] = value; }

    /// <summary>Dampening τ of <see cref="SGD"/>'s momentum. Same as <c>param_group['dampening']</c>.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public double Dampening { get => this["dampening"]; set => this["dampening"] = value; }

    /// <summary>Whether <see cref="SGD"/> uses Nesterov momentum. Same as <c>param_group['nesterov']</c>.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public bool Nesterov { get => this["nesterov"] != 0; set => this["nesterov"] = value ? 1 : 0; }

    /// <summary>
    /// Adam's decay rates (β₁, β₂) of the first and second moment averages. Same as <c>param_group['betas']</c>;
    /// <see cref="OneCycleLR"/> cycles β₁.
    /// </summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public (double Beta1, double Beta2) Betas
    {
        get => (this["beta1"], this["beta2"]);
        set
        {
            this["beta1"] = value.Beta1;
            this["beta2"] = value.Beta2;
        }
    }

    /// <summary>Adam's ε added to the denominator. Same as <c>param_group['eps']</c>.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public double Eps { get => this["eps"]; set => this["eps"] = value; }

    /// <summary>Whether Adam uses the AMSGrad variant (running maximum of the second moment). Same as <c>param_group['amsgrad']</c>.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public bool AmsGrad { get => this["amsgrad"] != 0; set => this["amsgrad"] = value ? 1 : 0; }

    /// <summary>Whether the optimizer maximizes the objective (steps along the gradient). Same as <c>param_group['maximize']</c>.</summary>
    /// <exception cref="InvalidOperationException">On read, when not set yet.</exception>
    public bool Maximize { get => this["maximize"] != 0; set => this["maximize"] = value ? 1 : 0; }

    /// <summary>
    /// The learning rate a scheduler started from, or null before a scheduler is attached.
    /// Same as <c>param_group['initial_lr']</c>.
    /// </summary>
    public double? InitialLr
    {
        get => options.TryGetValue("initial_lr", out var v) ? v : null;
        set
        {
            if (value is null)
            {
                options.Remove("initial_lr");
            }
            else
            {
                options["initial_lr"] = value.Value;
            }
        }
    }

    /// <summary>The option named <paramref name="name"/> (PyTorch's key, e.g. <c>"lr"</c> or <c>"max_momentum"</c>).</summary>
    /// <param name="name">The option.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="InvalidOperationException">On read, when the option is not set.</exception>
    /// <exception cref="ArgumentException">On write, when the name is empty.</exception>
    public double this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return options.TryGetValue(name, out var v)
                ? v
                : throw new InvalidOperationException($"the parameter group has no option '{name}': set it, or add the group to an optimizer whose defaults include it");
        }

        set
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            options[name] = value;
        }
    }

    /// <summary>Whether the option is set. Same as <c>name in param_group</c>.</summary>
    /// <param name="name">The option.</param>
    /// <returns>True when set.</returns>
    public bool Has(string name) => options.ContainsKey(name);

    /// <summary>Sets the option unless already set. Same as <c>param_group.setdefault(name, value)</c>.</summary>
    /// <param name="name">The option.</param>
    /// <param name="value">The value used when it is unset.</param>
    /// <returns>The option's value after the call.</returns>
    public double SetDefault(string name, double value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!options.TryGetValue(name, out var v))
        {
            options[name] = v = value;
        }

        return v;
    }

    /// <summary>The options as <c>name=value</c> pairs, for logs.</summary>
    /// <returns>For example <c>ParamGroup(2 parameters; lr=0.1, momentum=0.9)</c>.</returns>
    public override string ToString() =>
        $"ParamGroup({Parameters.Count} parameters; {string.Join(", ", options.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")))})";
}
