using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Base of the optimizers: parameter groups with their hyper-parameters, per-parameter state, the step loop,
/// gradient zeroing, and state save/load. A derived class supplies the update of one parameter.
/// </summary>
/// <remarks>
/// <para>Same as <c>torch.optim.Optimizer</c>. <see cref="Step"/> runs under <see cref="Autograd.NoGrad"/>, one
/// <see cref="DisposeScope"/> per parameter (temporaries are freed at once); a parameter whose gradient is null is
/// skipped and its state left untouched, as in PyTorch. State tensors are created on the parameter's device and
/// detached from every scope; <see cref="Dispose()"/> frees them (the parameters belong to the caller).</para>
/// <para><see cref="StateDict"/> flattens everything to tensors (see there) so that it can be written with
/// <see cref="IO.SafeTensors"/>; <see cref="LoadStateDict"/> checks it against the parameters before changing anything.</para>
/// </remarks>
public abstract class Optimizer : IDisposable
{
    private const string GroupsPrefix = "param_groups.";
    private const string ParamsPrefix = "params.";
    private const string StatePrefix = "state.";
    private const string StepName = "step";

    private readonly List<ParamGroup> groups = [];
    private readonly Dictionary<string, double> defaults;
    private readonly Dictionary<Tensor, ParamState> state = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    /// <summary>Creates the optimizer: each group's unset options take <paramref name="defaults"/>, then are checked.</summary>
    /// <param name="paramGroups">The groups (at least one).</param>
    /// <param name="defaults">Default options by PyTorch name (<c>"lr"</c>, …).</param>
    /// <exception cref="ArgumentException">When there is no group, a parameter is not a leaf, a parameter appears twice, or an option is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When a group's option is out of range (PyTorch's message, naming the group).</exception>
    protected Optimizer(IEnumerable<ParamGroup> paramGroups, IReadOnlyDictionary<string, double> defaults)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        ArgumentNullException.ThrowIfNull(defaults);
        this.defaults = new Dictionary<string, double>(defaults, StringComparer.Ordinal);
        var list = paramGroups.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("optimizer got an empty parameter list", nameof(paramGroups));
        }

        foreach (var g in list)
        {
            AddParamGroup(g);
        }
    }

    /// <summary>The parameter groups, in order. Same as <c>optimizer.param_groups</c>.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>The default options given to groups that leave them unset. Same as <c>optimizer.defaults</c>.</summary>
    public IReadOnlyDictionary<string, double> Defaults => defaults;

    /// <summary>The state of every parameter that has taken a step, keyed by the parameter object. Same as <c>optimizer.state</c>.</summary>
    public IReadOnlyDictionary<Tensor, ParamState> State => state;

    /// <summary>The names of the per-parameter state tensors this optimizer keeps (for example <c>exp_avg</c>);
    /// <see cref="LoadStateDict"/> refuses any other.</summary>
    protected abstract IReadOnlyCollection<string> StateTensorNames { get; }

    /// <summary>Whether this optimizer counts steps per parameter (<see cref="ParamState.Step"/>).</summary>
    protected abstract bool CountsSteps { get; }

    /// <summary>The state tensors a parameter's saved state must have once it has any state (for example Adam's
    /// <c>exp_avg</c> and <c>exp_avg_sq</c>); <see cref="LoadStateDict"/> names the missing ones. None by default.</summary>
    protected virtual IReadOnlyCollection<string> RequiredStateTensorNames => [];

    /// <summary>Adds a group; its unset options take the optimizer's defaults. Same as <c>optimizer.add_param_group</c>.</summary>
    /// <param name="group">The group.</param>
    /// <exception cref="ArgumentException">When a parameter is not a leaf, appears twice in the group, or is already in another group; or when an option is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When an option is out of range.</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose()"/>.</exception>
    public void AddParamGroup(ParamGroup group)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(group);
        if (groups.Any(g => ReferenceEquals(g, group)))
        {
            throw new ArgumentException("some parameters appear in more than one parameter group", nameof(group));
        }

        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.Parameters)
        {
            if (!p.IsLeaf)
            {
                throw new ArgumentException("can't optimize a non-leaf Tensor", nameof(group));
            }

            if (!seen.Add(p))
            {
                throw new ArgumentException("optimizer contains a parameter group with duplicate parameters", nameof(group));
            }
        }

        if (groups.Any(g => g.Parameters.Any(seen.Contains)))
        {
            throw new ArgumentException("some parameters appear in more than one parameter group", nameof(group));
        }

        foreach (var (name, value) in defaults)
        {
            group.SetDefault(name, value);
        }

        CheckOptions(group.Options, $" (parameter group {groups.Count})");
        groups.Add(group);
    }

    /// <summary>
    /// One optimization step over every parameter that has a gradient: θ ← update(θ, ∇θ, state), as the derived class
    /// defines it. Same as <c>optimizer.step()</c>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose()"/>, or when a parameter was disposed.</exception>
    /// <exception cref="TorchException">When libtorch rejects an update (for example a gradient of another shape).</exception>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = Autograd.NoGrad();
        foreach (var group in groups)
        {
            foreach (var p in group.Parameters)
            {
                using var scope = DisposeScope.Enter();
                var grad = p.Grad;
                if (grad is null)
                {
                    continue;
                }

                if (!state.TryGetValue(p, out var s))
                {
                    s = new ParamState();
                    state[p] = s;
                }

                Update(group, p, grad, s);
            }
        }
    }

    /// <summary>
    /// Clears the gradients of every parameter: sets them to null (the default, as in PyTorch 2) or zeroes them in place.
    /// Same as <c>optimizer.zero_grad(set_to_none)</c>.
    /// </summary>
    /// <param name="setToNone">Null the gradients (the next step skips parameters that get none) rather than fill them with zeros.</param>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose()"/>.</exception>
    public void ZeroGrad(bool setToNone = true)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        foreach (var p in groups.SelectMany(g => g.Parameters))
        {
            using var grad = p.Grad;
            if (grad is null)
            {
                continue;
            }

            if (setToNone)
            {
                p.Grad = null;
                continue;
            }

            if (grad.RequiresGrad)
            {
                if (grad.IsLeaf)
                {
                    grad.RequiresGrad = false;
                }
                else
                {
                    grad.Detach_();
                }
            }

            grad.Zero_();
        }
    }

    /// <summary>
    /// The whole optimizer state as a flat table of tensors, ready for <see cref="IO.SafeTensors.Save"/>. With i the
    /// parameter's position counted across groups and g the group's:
    /// <c>param_groups.g.params</c> (int64 positions), <c>param_groups.g.NAME</c> (each option, 0-dim float64),
    /// <c>params.i.shape</c> (int64), <c>state.i.step</c> (0-dim int64, for optimizers that count steps) and
    /// <c>state.i.NAME</c> (each state tensor, on the parameter's device).
    /// Same content as <c>optimizer.state_dict()</c>.
    /// </summary>
    /// <returns>Copies of the state: the caller (or the current <see cref="DisposeScope"/>) owns them.</returns>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose()"/>.</exception>
    public Dictionary<string, Tensor> StateDict()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var index = 0L;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var positions = new long[group.Parameters.Count];
            for (var k = 0; k < positions.Length; k++)
            {
                positions[k] = index + k;
            }

            result[Key(GroupsPrefix, g, "params")] = Tensor.FromArray(positions);
            foreach (var (name, value) in group.Options)
            {
                result[Key(GroupsPrefix, g, name)] = Tensor.Scalar(value);
            }

            foreach (var p in group.Parameters)
            {
                result[Key(ParamsPrefix, index, "shape")] = Tensor.FromArray(p.Shape);
                if (state.TryGetValue(p, out var s))
                {
                    if (s.Step is { } step)
                    {
                        result[Key(StatePrefix, index, StepName)] = Tensor.Scalar(step);
                    }

                    foreach (var (name, t) in s.Tensors)
                    {
                        result[Key(StatePrefix, index, name)] = t.Clone();
                    }
                }

                index++;
            }
        }

        return result;
    }

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/> (options of every group and per-parameter state), after checking
    /// that it fits: same number of groups, of parameters per group, same parameter shapes, and only state this
    /// optimizer knows. Nothing changes when a check fails. State tensors are copied to each parameter's device and, when
    /// floating, dtype. Same as <c>optimizer.load_state_dict</c>.
    /// </summary>
    /// <param name="stateDict">The saved state (not modified; the caller keeps ownership).</param>
    /// <exception cref="ArgumentException">When the state does not fit; the message names every entry at fault.</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose()"/>.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(stateDict);
        var parameters = groups.SelectMany(g => g.Parameters).ToList();
        var problems = new List<string>();
        var savedPositions = new SortedDictionary<long, long[]>();
        var savedOptions = new Dictionary<long, Dictionary<string, double>>();
        var savedShapes = new Dictionary<long, long[]>();
        var savedState = new SortedDictionary<long, List<(string Name, Tensor Value)>>();
        foreach (var (key, value) in stateDict)
        {
            if (!TryParseKey(key, out var section, out var index, out var name))
            {
                problems.Add($"'{key}' is not an optimizer state entry");
                continue;
            }

            switch (section)
            {
                case GroupsPrefix when name == "params":
                    savedPositions[index] = value.ToDoubleArray().Select(d => (long)d).ToArray();
                    break;
                case GroupsPrefix when value.NumEl == 1:
                    if (!savedOptions.TryGetValue(index, out var opts))
                    {
                        savedOptions[index] = opts = new Dictionary<string, double>(StringComparer.Ordinal);
                    }

                    opts[name] = value.ToDoubleArray()[0];
                    break;
                case ParamsPrefix when name == "shape":
                    savedShapes[index] = value.ToDoubleArray().Select(d => (long)d).ToArray();
                    break;
                case StatePrefix:
                    if (!savedState.TryGetValue(index, out var entries))
                    {
                        savedState[index] = entries = [];
                    }

                    entries.Add((name, value));
                    break;
                default:
                    problems.Add($"'{key}' is not an optimizer state entry");
                    break;
            }
        }

        if (savedPositions.Count != groups.Count || savedPositions.Keys.Any(g => g < 0 || g >= groups.Count))
        {
            problems.Insert(0, $"loaded state dict has a different number of parameter groups: it has {savedPositions.Count}, the optimizer {groups.Count}");
        }
        else
        {
            var start = 0L;
            for (var g = 0; g < groups.Count; g++)
            {
                var positions = savedPositions[g];
                var count = groups[g].Parameters.Count;
                if (positions.Length != count)
                {
                    problems.Add($"loaded state dict contains a parameter group that doesn't match the size of optimizer's group: group {g} has {positions.Length} parameters saved, {count} in the optimizer");
                }
                else if (!positions.SequenceEqual(Enumerable.Range(0, count).Select(k => start + k)))
                {
                    problems.Add($"'{Key(GroupsPrefix, g, "params")}' lists positions [{string.Join(", ", positions)}], expected {start}..{start + count - 1}");
                }

                start += count;
            }
        }

        foreach (var (g, opts) in savedOptions)
        {
            if (g < 0 || g >= groups.Count)
            {
                problems.Add($"'{Key(GroupsPrefix, g, opts.Keys.First())}': the optimizer has only {groups.Count} parameter groups");
                continue;
            }

            var merged = new Dictionary<string, double>(groups[(int)g].Options, StringComparer.Ordinal);
            foreach (var (name, value) in opts)
            {
                merged[name] = value;
            }

            try
            {
                CheckOptions(merged, $" (parameter group {g})");
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message.Split(" (Parameter")[0]);
            }
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            var shape = parameters[i].Shape;
            if (!savedShapes.TryGetValue(i, out var saved))
            {
                problems.Add($"'{Key(ParamsPrefix, i, "shape")}' is missing");
            }
            else if (!saved.SequenceEqual(shape))
            {
                problems.Add($"parameter {i} was saved with shape {Dims(saved)}, the optimizer's has {Dims(shape)}");
            }
        }

        foreach (var i in savedShapes.Keys.Where(i => i < 0 || i >= parameters.Count))
        {
            problems.Add($"'{Key(ParamsPrefix, i, "shape")}': the optimizer has only {parameters.Count} parameters");
        }

        foreach (var (i, entries) in savedState)
        {
            if (i < 0 || i >= parameters.Count)
            {
                problems.Add($"'{Key(StatePrefix, i, entries[0].Name)}': the optimizer has only {parameters.Count} parameters");
                continue;
            }

            var shape = parameters[(int)i].Shape;
            foreach (var (name, value) in entries)
            {
                if (name == StepName)
                {
                    if (!CountsSteps)
                    {
                        problems.Add($"'{Key(StatePrefix, i, name)}': {GetType().Name} keeps no step count");
                    }
                    else if (value.NumEl != 1)
                    {
                        problems.Add($"'{Key(StatePrefix, i, name)}' should hold one value, it has shape {Dims(value.Shape)}");
                    }
                }
                else if (!StateTensorNames.Contains(name))
                {
                    problems.Add($"'{Key(StatePrefix, i, name)}': {GetType().Name} keeps no state '{name}' (it keeps {string.Join(", ", StateTensorNames)})");
                }
                else if (!value.Shape.SequenceEqual(shape))
                {
                    problems.Add($"'{Key(StatePrefix, i, name)}' has shape {Dims(value.Shape)}, parameter {i} has {Dims(shape)}");
                }
            }

            foreach (var name in RequiredStateTensorNames.Where(n => !entries.Any(e => e.Name == n)))
            {
                problems.Add($"'{Key(StatePrefix, i, name)}' is missing");
            }

            if (CountsSteps && !entries.Any(e => e.Name == StepName))
            {
                problems.Add($"'{Key(StatePrefix, i, StepName)}' is missing");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"the optimizer state does not fit this {GetType().Name}: {string.Join("; ", problems)}", nameof(stateDict));
        }

        var loaded = new Dictionary<Tensor, ParamState>(ReferenceEqualityComparer.Instance);
        try
        {
            using var scope = DisposeScope.Enter();
            foreach (var (i, entries) in savedState)
            {
                var p = parameters[(int)i];
                var s = new ParamState();
                loaded[p] = s;
                var device = p.Device;
                var dtype = p.DType;
                foreach (var (name, value) in entries)
                {
                    if (name == StepName)
                    {
                        s.Step = (long)value.ToDoubleArray()[0];
                    }
                    else
                    {
                        var moved = value.DType.IsFloatingPoint() && dtype.IsFloatingPoint() ? value.To(device, dtype) : value.To(device);
                        s.Set(name, moved.Clone());
                    }
                }
            }
        }
        catch
        {
            foreach (var s in loaded.Values)
            {
                s.Dispose();
            }

            throw;
        }

        foreach (var s in state.Values)
        {
            s.Dispose();
        }

        state.Clear();
        foreach (var (p, s) in loaded)
        {
            state[p] = s;
        }

        foreach (var (g, opts) in savedOptions)
        {
            foreach (var (name, value) in opts)
            {
                groups[(int)g][name] = value;
            }
        }
    }

    /// <summary>Frees the optimizer state. The parameters belong to the caller and stay alive.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The class name and every group's options. Same as <c>repr(optimizer)</c>.</summary>
    /// <returns>One line per group.</returns>
    public override string ToString() =>
        $"{GetType().Name} ({string.Concat(groups.Select((g, i) => $"\n  group {i}: {g}"))}\n)";

    /// <summary>Checks options by their PyTorch names with PyTorch's messages: lr, eps, weight decay and momentum must be
    /// non-negative, both betas in [0, 1), and Nesterov needs a positive momentum and zero dampening.</summary>
    /// <param name="options">The options (only those present are checked).</param>
    /// <param name="where">Appended to messages, e.g. " (parameter group 1)".</param>
    /// <exception cref="ArgumentOutOfRangeException">For an option out of range.</exception>
    /// <exception cref="ArgumentException">For Nesterov without momentum or with dampening.</exception>
    protected internal static void CheckOptions(IReadOnlyDictionary<string, double> options, string where = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        NonNegative("lr", "lr", "Invalid learning rate");
        NonNegative("eps", "eps", "Invalid epsilon value");
        NonNegative("momentum", "momentum", "Invalid momentum value");
        NonNegative("weight_decay", "weightDecay", "Invalid weight_decay value");
        Beta("beta1", 0);
        Beta("beta2", 1);
        if (options.TryGetValue("nesterov", out var nesterov) && nesterov != 0 &&
            (!(options.TryGetValue("momentum", out var m) && m > 0) || (options.TryGetValue("dampening", out var d) && d != 0)))
        {
            var argument = "nesterov"; // the optimizer constructor's argument
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening" + where, argument);
        }

        void NonNegative(string key, string argument, string message)
        {
            if (options.TryGetValue(key, out var v) && !(v >= 0))
            {
                throw new ArgumentOutOfRangeException(argument, v, $"{message}: {Format(v)}{where}");
            }
        }

        void Beta(string key, int index)
        {
            if (options.TryGetValue(key, out var v) && !(v >= 0 && v < 1))
            {
                var argument = "betas"; // the optimizer constructor's argument
                throw new ArgumentOutOfRangeException(argument, v, $"Invalid beta parameter at index {index}: {Format(v)}{where}");
            }
        }
    }

    /// <summary>Wraps one parameter in a group list, refusing an empty one as PyTorch does.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <returns>A single group holding them.</returns>
    /// <exception cref="ArgumentException">When there is no parameter.</exception>
    protected static IReadOnlyList<ParamGroup> SingleGroup(IEnumerable<Tensor> parameters)
    {
        var group = new ParamGroup(parameters);
        return group.Parameters.Count == 0
            ? throw new ArgumentException("optimizer got an empty parameter list", nameof(parameters))
            : [group];
    }

    /// <summary>Updates one parameter in place from its gradient. Runs under no-grad inside a scope that frees every
    /// temporary; tensors kept in <paramref name="state"/> must be stored with <see cref="ParamState.Set"/>.</summary>
    /// <param name="group">The parameter's group (its options).</param>
    /// <param name="parameter">The parameter θ.</param>
    /// <param name="grad">Its gradient ∇θ (not null).</param>
    /// <param name="state">Its state, empty on the first update.</param>
    protected abstract void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state);

    /// <summary>Frees the state.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (disposing)
        {
            foreach (var s in state.Values)
            {
                s.Dispose();
            }

            state.Clear();
        }
    }

    /// <summary>Formats a number for messages as Python prints it (shortest round-trip digits, <c>1e-08</c>, <c>nan</c>, <c>inf</c>).</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    internal static string Format(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'),
    };

    private static string Key(string prefix, long index, string name) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{index}.{name}");

    private static string Dims(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static bool TryParseKey(string key, out string section, out long index, out string name)
    {
        section = name = "";
        index = -1;
        foreach (var prefix in (string[])[GroupsPrefix, ParamsPrefix, StatePrefix])
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key.AsSpan(prefix.Length);
            var dot = rest.IndexOf('.');
            if (dot <= 0 || dot == rest.Length - 1 ||
                !long.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                return false;
            }

            section = prefix;
            name = rest[(dot + 1)..].ToString();
            return true;
        }

        return false;
    }
}
