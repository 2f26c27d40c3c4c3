namespace Srn.Torch.NN;

/// <summary>Runs its children in order, each on the previous one's output; children are named "0", "1", ... Same as <c>torch.nn.Sequential</c>.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = [];

    /// <summary>Creates the container from layers in order.</summary>
    /// <param name="layers">The layers.</param>
    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers)
        {
            Append(layer);
        }
    }

    /// <summary>The number of layers.</summary>
    public int Count => layers.Count;

    /// <summary>The layer at a position.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The layer.</returns>
    public Module<Tensor, Tensor> this[int index] => layers[index];

    /// <summary>Adds a layer at the end, named by its position.</summary>
    /// <param name="layer">The layer.</param>
    /// <returns>This container.</returns>
    public Sequential Append(Module<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
        return this;
    }

    /// <summary>Replaces the layer at a position, disposing the old one. Same as <c>seq[index] = layer</c> in PyTorch (e.g. a new classifier).</summary>
    /// <param name="index">The position.</param>
    /// <param name="layer">The new layer.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When there is no layer at <paramref name="index"/>.</exception>
    public Module<Tensor, Tensor> Replace(int index, Module<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, layers.Count);
        ReplaceModule(index.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers[index] = layer;
        return layer;
    }

    /// <inheritdoc/>
    /// <remarks>Intermediate outputs are disposed as soon as the next layer has consumed them (autograd keeps what it needs).</remarks>
    protected override Tensor ForwardCore(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var next = layer.Forward(x);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = next;
        }

        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}
