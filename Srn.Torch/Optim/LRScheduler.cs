using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Base of the learning-rate schedulers: each <see cref="Step"/> advances the epoch counter e and writes a new learning
/// rate into every parameter group of the optimizer, γ_g ← f(e, γ_g, base_g), where base_g is the group's
/// <c>initial_lr</c> and f is the derived class's rule. Call it after <see cref="Optimizer.Step"/>.
/// </summary>
/// <remarks>
/// <para>Same as <c>torch.optim.lr_scheduler._LRScheduler</c> of PyTorch 1.13: constructing a scheduler records each
/// group's <c>initial_lr</c> (unless already set) and performs the initial step (e = 0). Derived classes use PyTorch's
/// chainable (recursive) form for <see cref="Step"/>, and its closed form where PyTorch does (a
/// <see cref="SequentialLR"/> restarting a scheduler), so the sequences are PyTorch's to the last bit.</para>
/// <para><see cref="StateDict"/> holds the position in the schedule (<c>last_epoch</c>, <c>step_count</c>,
/// <c>base_lrs</c>, <c>last_lr</c>); the schedule's hyper-parameters come from the constructor, and the current
/// learning rates (and OneCycle's per-group values) live in the optimizer's own state, so save both.</para>
/// </remarks>
public abstract class LRScheduler
{
    private const string LastEpochKey = "last_epoch";
    private const string StepCountKey = "step_count";
    private const string BaseLrsKey = "base_lrs";
    private const string LastLrKey = "last_lr";

    private double[] baseLrs = [];
    private double[] lastLrs = [];

    /// <summary>Attaches the scheduler to an optimizer; a derived constructor sets its fields, then calls <see cref="Start"/>.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <exception cref="ArgumentNullException">When <paramref name="optimizer"/> is null.</exception>
    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The learning rate each group started from (its <c>initial_lr</c>). Same as <c>scheduler.base_lrs</c>.</summary>
    public IReadOnlyList<double> BaseLearningRates => baseLrs;

    /// <summary>The learning rate of each group after the last step. Same as <c>scheduler.get_last_lr()</c>.</summary>
    public IReadOnlyList<double> LastLearningRates => lastLrs;

    /// <summary>The epoch (step) counter e: 0 after construction, +1 per <see cref="Step"/>. Same as <c>scheduler.last_epoch</c>.</summary>
    public long LastEpoch { get; private set; } = -1;

    /// <summary>How many times the scheduler has stepped, the initial step included. Same as <c>scheduler._step_count</c>.</summary>
    public long StepCount { get; private set; }

    /// <summary>Advances the schedule by one and sets every group's learning rate. Same as <c>scheduler.step()</c>.</summary>
    /// <exception cref="InvalidOperationException">When the schedule is over (<see cref="OneCycleLR"/> past its total steps).</exception>
    public void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(ComputeLearningRates());
    }

    /// <summary>
    /// The scheduler's position as tensors (0-dim int64 <c>last_epoch</c> and <c>step_count</c>, float64
    /// <c>base_lrs</c> and <c>last_lr</c>), for <see cref="IO.SafeTensors"/>. Same as <c>scheduler.state_dict()</c>
    /// without the hyper-parameters.
    /// </summary>
    /// <returns>New tensors owned by the caller (or the current <see cref="DisposeScope"/>).</returns>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        SaveState(result, "");
        return result;
    }

    /// <summary>Restores a position saved by <see cref="StateDict"/> after checking that it fits (every entry present, one
    /// learning rate per group, no unknown entry); nothing changes when a check fails. Same as <c>scheduler.load_state_dict</c>.</summary>
    /// <param name="stateDict">The saved state (the caller keeps ownership).</param>
    /// <exception cref="ArgumentException">When the state does not fit; the message names every entry at fault.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var problems = new List<string>();
        CheckState(stateDict, "", problems);
        var known = new HashSet<string>(StringComparer.Ordinal);
        CollectStateKeys("", known);
        problems.AddRange(stateDict.Keys.Where(k => !known.Contains(k)).Select(k => $"'{k}' is not a {GetType().Name} state entry"));
        if (problems.Count > 0)
        {
            throw new ArgumentException($"the scheduler state does not fit this {GetType().Name}: {string.Join("; ", problems)}", nameof(stateDict));
        }

        RestoreState(stateDict, "");
    }

    /// <summary>
    /// The standard start: records each group's <c>initial_lr</c> (unless set), takes them as <see cref="BaseLearningRates"/>
    /// and performs the initial step (e = 0). Same as the body of <c>_LRScheduler.__init__</c> with <c>last_epoch=-1</c>.
    /// </summary>
    protected void Start()
    {
        foreach (var g in Optimizer.ParamGroups)
        {
            g.SetDefault("initial_lr", g.Lr);
        }

        baseLrs = Optimizer.ParamGroups.Select(g => g["initial_lr"]).ToArray();
        LastEpoch = -1;
        InitialStep();
    }

    /// <summary>The learning rate of each group at epoch <see cref="LastEpoch"/> (already advanced), in PyTorch's chainable
    /// form: it may read the groups' current rates. Same as <c>get_lr()</c>.</summary>
    /// <returns>One rate per group.</returns>
    protected abstract IReadOnlyList<double> ComputeLearningRates();

    /// <summary>The closed form of the schedule at <see cref="LastEpoch"/>, or null when the scheduler has none (then
    /// <see cref="ComputeLearningRates"/> is used). Same as <c>_get_closed_form_lr()</c>.</summary>
    /// <returns>One rate per group, or null.</returns>
    protected virtual IReadOnlyList<double>? ClosedFormLearningRates() => null;

    /// <summary>The current learning rate of every group.</summary>
    /// <returns>A new array.</returns>
    protected double[] GroupLearningRates() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>Writes the scheduler's state entries, each key prefixed.</summary>
    /// <param name="into">The table.</param>
    /// <param name="prefix">Prefix of every key.</param>
    protected internal virtual void SaveState(Dictionary<string, Tensor> into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        into[prefix + LastEpochKey] = Tensor.Scalar(LastEpoch);
        into[prefix + StepCountKey] = Tensor.Scalar(StepCount);
        into[prefix + BaseLrsKey] = Tensor.FromArray(baseLrs);
        into[prefix + LastLrKey] = Tensor.FromArray(lastLrs);
    }

    /// <summary>Adds the keys <see cref="SaveState"/> writes.</summary>
    /// <param name="prefix">Prefix of every key.</param>
    /// <param name="keys">The set to add to.</param>
    protected internal virtual void CollectStateKeys(string prefix, ISet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        keys.Add(prefix + LastEpochKey);
        keys.Add(prefix + StepCountKey);
        keys.Add(prefix + BaseLrsKey);
        keys.Add(prefix + LastLrKey);
    }

    /// <summary>Adds a message for every saved entry that is missing or does not fit.</summary>
    /// <param name="state">The saved state.</param>
    /// <param name="prefix">Prefix of every key.</param>
    /// <param name="problems">Where to add the messages.</param>
    protected internal virtual void CheckState(IReadOnlyDictionary<string, Tensor> state, string prefix, IList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(problems);
        var groups = Optimizer.ParamGroups.Count;
        foreach (var (key, count) in (ReadOnlySpan<(string, int)>)[(LastEpochKey, -1), (StepCountKey, -1), (BaseLrsKey, groups), (LastLrKey, groups)])
        {
            if (!state.TryGetValue(prefix + key, out var t))
            {
                problems.Add($"'{prefix}{key}' is missing");
            }
            else if (count < 0 ? t.NumEl != 1 : t.Dim != 1 || t.NumEl != count)
            {
                problems.Add(count < 0
                    ? $"'{prefix}{key}' should hold one value, it has shape [{string.Join(", ", t.Shape)}]"
                    : string.Create(CultureInfo.InvariantCulture, $"'{prefix}{key}' should hold one value per parameter group ({count}), it has shape [{string.Join(", ", t.Shape)}]"));
            }
        }
    }

    /// <summary>Restores the entries <see cref="CheckState"/> accepted.</summary>
    /// <param name="state">The saved state.</param>
    /// <param name="prefix">Prefix of every key.</param>
    protected internal virtual void RestoreState(IReadOnlyDictionary<string, Tensor> state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        LastEpoch = (long)state[prefix + LastEpochKey].ToDoubleArray()[0];
        StepCount = (long)state[prefix + StepCountKey].ToDoubleArray()[0];
        baseLrs = state[prefix + BaseLrsKey].ToDoubleArray();
        lastLrs = state[prefix + LastLrKey].ToDoubleArray();
    }

    /// <summary>Sets <see cref="BaseLearningRates"/> (for schedulers that do not call <see cref="Start"/>).</summary>
    /// <param name="values">One rate per group.</param>
    private protected void SetBaseLearningRates(double[] values) => baseLrs = values;

    /// <summary>Sets <see cref="LastLearningRates"/> and <see cref="LastEpoch"/> (for schedulers that do not call <see cref="Start"/>).</summary>
    /// <param name="lastEpoch">The epoch.</param>
    /// <param name="values">One rate per group.</param>
    private protected void SetPosition(long lastEpoch, IEnumerable<double> values)
    {
        LastEpoch = lastEpoch;
        lastLrs = values.ToArray();
    }

    /// <summary>Moves the epoch counter back by one, as <see cref="SequentialLR"/> does to its schedulers.</summary>
    internal void RewindEpoch() => LastEpoch--;

    /// <summary>Resets the step count and performs the initial step. Same as <c>_initial_step()</c>.</summary>
    internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Jumps to <paramref name="epoch"/>, in closed form when there is one. Same as the deprecated <c>scheduler.step(epoch)</c>.</summary>
    /// <param name="epoch">The epoch.</param>
    internal void StepTo(long epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedFormLearningRates() ?? ComputeLearningRates());
    }

    private void Apply(IReadOnlyList<double> values)
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < Math.Min(groups.Count, values.Count); i++)
        {
            groups[i].Lr = values[i];
        }

        lastLrs = GroupLearningRates();
    }
}
