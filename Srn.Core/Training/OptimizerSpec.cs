using System.Globalization;
using Srn.Torch;
using Srn.Torch.Optim;

namespace Srn.Training;

/// <summary>The optimizers a stage can use.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum (<c>torch.optim.SGD</c>).</summary>
    Sgd,

    /// <summary>Adam with L2 weight decay (<c>torch.optim.Adam</c>).</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (<c>torch.optim.AdamW</c>).</summary>
    AdamW,
}

/// <summary>An optimizer and its hyper-parameters, as a training stage or a config file names them.</summary>
/// <param name="Kind">The algorithm.</param>
/// <param name="Lr">Base learning rate (each parameter group may scale it).</param>
/// <param name="WeightDecay">Weight decay (L2 for SGD and Adam, decoupled for AdamW).</param>
/// <param name="Momentum">SGD momentum (ignored by Adam).</param>
/// <param name="Nesterov">SGD Nesterov momentum.</param>
public sealed record OptimizerSpec(OptimizerKind Kind, double Lr, double WeightDecay = 0, double Momentum = 0.9, bool Nesterov = false)
{
    /// <summary>Creates the optimizer over the stage's parameter groups.</summary>
    /// <param name="groups">The groups: each scales <see cref="Lr"/> and may override the weight decay.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">When there is no trainable parameter.</exception>
    public Optimizer Create(IReadOnlyList<StageGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var paramGroups = new List<ParamGroup>();
        foreach (var g in groups.Where(g => g.Parameters.Count > 0))
        {
            var pg = new ParamGroup(g.Parameters) { Lr = Lr * g.LrScale, WeightDecay = g.WeightDecay ?? WeightDecay };
            paramGroups.Add(pg);
        }

        if (paramGroups.Count == 0)
        {
            throw new ArgumentException("The stage has no trainable parameter.", nameof(groups));
        }

        return Kind switch
        {
            OptimizerKind.Sgd => new SGD(paramGroups, Lr, momentum: Momentum, weightDecay: WeightDecay, nesterov: Nesterov),
            OptimizerKind.Adam => new Adam(paramGroups, Lr, weightDecay: WeightDecay),
            OptimizerKind.AdamW => new AdamW(paramGroups, Lr, weightDecay: WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(groups), Kind, "Unknown optimizer."),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Kind} lr {Lr:G4} wd {WeightDecay:G4}{(Kind == OptimizerKind.Sgd ? $" momentum {Momentum:G3}{(Nesterov ? " nesterov" : string.Empty)}" : string.Empty)}");
}
