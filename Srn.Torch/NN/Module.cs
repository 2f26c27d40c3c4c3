namespace Srn.Torch.NN;

/// <summary>
/// The base of every layer and model: an ordered tree of named parameters, buffers and child modules,
/// with training/evaluation mode, device and dtype moves, freezing, state dicts and disposal.
/// Same as <c>torch.nn.Module</c>; dotted names (<c>layer1.0.conv1.weight</c>) are built exactly as PyTorch builds them.
/// </summary>
/// <remarks>
/// Parameters and buffers are owned by the module (detached from any <see cref="DisposeScope"/>) and freed
/// by <see cref="Dispose()"/>, which disposes the whole tree. <see cref="To(Device)"/> replaces their data in
/// place, so references held elsewhere (optimizers) stay valid. Forward computation lives in
/// <see cref="Module{TInput, TOutput}"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Module is torch.nn.Module's name; the clash is with a Visual Basic keyword only.")]
public abstract partial class Module : IDisposable
{
    private readonly OrderedDictionary<string, Tensor?> parameters = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Tensor?> buffers = new(StringComparer.Ordinal);
    private readonly HashSet<string> nonPersistentBuffers = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Module> children = new(StringComparer.Ordinal);
    private bool disposed;

    /// <summary>Whether the module is in training mode (dropout active, batch norm updating its statistics). Same as <c>Module.training</c>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => disposed;

    /// <summary>The direct children in registration order. Same as <c>Module.named_children()</c>.</summary>
    /// <returns>(name, child) pairs.</returns>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children.Select(kv => (kv.Key, kv.Value));

    /// <summary>
    /// This module and every descendant, depth-first pre-order, with dotted names ("" for this one); a module reachable
    /// twice is listed once, under its first name. Same as <c>Module.named_modules()</c>.
    /// </summary>
    /// <param name="prefix">Prefix for the names.</param>
    /// <returns>(name, module) pairs.</returns>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "") =>
        WalkModules(prefix, new HashSet<Module>(ReferenceEqualityComparer.Instance));

    /// <summary>This module and every descendant, depth-first pre-order. Same as <c>Module.modules()</c>.</summary>
    /// <returns>The modules.</returns>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Parameters with dotted names, this module's first, then each child's recursively; shared parameters once. Same as <c>Module.named_parameters()</c>.</summary>
    /// <param name="recurse">Include descendants.</param>
    /// <returns>(name, parameter) pairs.</returns>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(bool recurse = true) =>
        Collect(recurse, m => m.parameters);

    /// <summary>The parameters (see <see cref="NamedParameters"/>). Same as <c>Module.parameters()</c>.</summary>
    /// <param name="recurse">Include descendants.</param>
    /// <returns>The parameter tensors (owned by the module: do not dispose them).</returns>
    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Parameter);

    /// <summary>Buffers with dotted names (running statistics and the like). Same as <c>Module.named_buffers()</c>.</summary>
    /// <param name="recurse">Include descendants.</param>
    /// <returns>(name, buffer) pairs.</returns>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true) =>
        Collect(recurse, m => m.buffers);

    /// <summary>The buffers. Same as <c>Module.buffers()</c>.</summary>
    /// <param name="recurse">Include descendants.</param>
    /// <returns>The buffer tensors (owned by the module).</returns>
    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse).Select(b => b.Buffer);

    /// <summary>The number of parameter elements, counting shared parameters once.</summary>
    /// <param name="trainableOnly">Count only parameters that require grad.</param>
    /// <returns>The count.</returns>
    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => p.NumEl);

    /// <summary>Sets training mode on this module and all descendants. Same as <c>Module.train(mode)</c>.</summary>
    /// <param name="mode">True for training, false for evaluation.</param>
    /// <returns>This module.</returns>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules())
        {
            m.Training = mode;
        }

        return this;
    }

    /// <summary>Sets evaluation mode on this module and all descendants. Same as <c>Module.eval()</c>.</summary>
    /// <returns>This module.</returns>
    public Module Eval() => Train(false);

    /// <summary>Turns gradient tracking of every parameter on or off: freezing. Same as <c>Module.requires_grad_(flag)</c>.</summary>
    /// <param name="requiresGrad">False freezes the module.</param>
    /// <returns>This module.</returns>
    public Module RequiresGrad(bool requiresGrad = true)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = requiresGrad;
        }

        return this;
    }

    /// <summary>Clears (or zeroes) the gradient of every parameter. Same as <c>Module.zero_grad(set_to_none)</c>.</summary>
    /// <param name="setToNone">Drop the gradients rather than fill them with zeros.</param>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (setToNone)
            {
                p.Grad = null;
                continue;
            }

            using var g = p.Grad;
            g?.Zero_();
        }
    }

    /// <summary>Moves every parameter, gradient and buffer to a device, in place. Same as <c>Module.to(device)</c>.</summary>
    /// <param name="device">The device.</param>
    /// <returns>This module.</returns>
    /// <exception cref="TorchException">When the device is unavailable.</exception>
    public Module To(Device device) => Convert(t => t.To(device), floatingOnly: false);

    /// <summary>
    /// Lays out every 4-D parameter, gradient and buffer (convolution weights) in <paramref name="format"/>, in place; other
    /// ranks keep theirs. Same as <c>Module.to(memory_format=...)</c>.
    /// </summary>
    /// <param name="format"><see cref="MemoryFormat.ChannelsLast"/> (4-D) or <see cref="MemoryFormat.ChannelsLast3d"/> (5-D), or <see cref="MemoryFormat.Contiguous"/> back.</param>
    /// <returns>This module.</returns>
    /// <exception cref="ArgumentException">For <see cref="MemoryFormat.Preserve"/>, which is no layout.</exception>
    public Module To(MemoryFormat format)
    {
        if (format == MemoryFormat.Preserve)
        {
            throw new ArgumentException("Module.To(memory format) needs a layout, not Preserve.", nameof(format));
        }

        var rank = format == MemoryFormat.ChannelsLast3d ? 5 : 4;
        return Convert(t => t.Dim == rank || (format == MemoryFormat.Contiguous && t.Dim >= 4) ? t.Contiguous(format) : t, floatingOnly: false);
    }

    /// <summary>Converts every floating-point parameter, gradient and buffer to a dtype, in place (integer buffers keep theirs). Same as <c>Module.to(dtype)</c>.</summary>
    /// <param name="dtype">A floating-point type.</param>
    /// <returns>This module.</returns>
    /// <exception cref="ArgumentException">For a non-floating dtype.</exception>
    public Module To(ScalarType dtype)
    {
        if (!dtype.IsFloatingPoint())
        {
            throw new ArgumentException($"Module.To(dtype) needs a floating-point dtype, got {dtype}", nameof(dtype));
        }

        return Convert(t => t.To(dtype), floatingOnly: true);
    }

    /// <summary>Calls <paramref name="action"/> on every descendant, then on this module (post-order). Same as <c>Module.apply(fn)</c>.</summary>
    /// <param name="action">The action.</param>
    /// <returns>This module.</returns>
    public Module Apply(Action<Module> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        foreach (var child in children.Values)
        {
            child.Apply(action);
        }

        action(this);
        return this;
    }

    /// <summary>Frees every parameter and buffer of the whole tree.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the tree; override to free more, calling the base.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposed || !disposing)
        {
            return;
        }

        disposed = true;
        foreach (var child in children.Values)
        {
            child.Dispose();
        }

        foreach (var t in parameters.Values.Concat(buffers.Values))
        {
            t?.Dispose();
        }
    }

    /// <summary>Registers a parameter (or null, PyTorch's None) under <paramref name="name"/>; the module takes ownership and turns on requires-grad.</summary>
    /// <param name="name">The local name (no dots).</param>
    /// <param name="tensor">A floating-point tensor, or null.</param>
    /// <returns>The registered tensor.</returns>
    /// <exception cref="ArgumentException">For an invalid or taken name.</exception>
    protected Tensor? RegisterParameter(string name, Tensor? tensor)
    {
        CheckName(name);
        if (tensor is not null)
        {
            tensor.DetachFromScope();
            if (!tensor.IsLeaf)
            {
                throw new ArgumentException($"parameter '{name}' must be a leaf tensor (created directly, or detached)", nameof(tensor));
            }

            tensor.RequiresGrad = true;
        }

        parameters[name] = tensor;
        return tensor;
    }

    /// <summary>Registers a buffer: state that is not trained (running statistics). Persistent buffers are part of the state dict.</summary>
    /// <param name="name">The local name (no dots).</param>
    /// <param name="tensor">The tensor, or null.</param>
    /// <param name="persistent">Whether it goes into <see cref="StateDict"/>.</param>
    /// <returns>The registered tensor.</returns>
    protected Tensor? RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name);
        tensor?.DetachFromScope();
        buffers[name] = tensor;
        if (!persistent)
        {
            nonPersistentBuffers.Add(name);
        }

        return tensor;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    /// <typeparam name="T">The module type.</typeparam>
    /// <param name="name">The local name (no dots).</param>
    /// <param name="module">The child.</param>
    /// <returns>The child.</returns>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        children[name] = module;
        return module;
    }

    /// <summary>Replaces a registered child (e.g. a classifier head), disposing the old one.</summary>
    /// <typeparam name="T">The module type.</typeparam>
    /// <param name="name">The child's name.</param>
    /// <param name="module">The replacement.</param>
    /// <returns>The replacement.</returns>
    /// <exception cref="KeyNotFoundException">When no child has that name.</exception>
    protected T ReplaceModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!children.TryGetValue(name, out var old))
        {
            throw new KeyNotFoundException($"{GetType().Name} has no child module '{name}'");
        }

        children[name] = module;
        old.Dispose();
        return module;
    }

    /// <summary>Replaces the data of a registered parameter or buffer (same object), e.g. a buffer whose shape changes.</summary>
    /// <param name="name">The local name.</param>
    /// <param name="value">The new data (copied by reference).</param>
    protected void SetTensorData(string name, Tensor value)
    {
        var target = (parameters.TryGetValue(name, out var p) ? p : buffers.TryGetValue(name, out var b) ? b : null)
            ?? throw new KeyNotFoundException($"{GetType().Name} has no parameter or buffer '{name}'");
        target.SetData(value);
    }

    private IEnumerable<(string Name, Module Module)> WalkModules(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this))
        {
            yield break;
        }

        yield return (prefix, this);
        foreach (var (name, child) in children)
        {
            foreach (var item in child.WalkModules(Join(prefix, name), seen))
            {
                yield return item;
            }
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private void CheckName(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid name: it must be non-empty and contain no '.'", nameof(name));
        }

        if (parameters.ContainsKey(name) || buffers.ContainsKey(name) || children.ContainsKey(name))
        {
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
        }
    }

    private IEnumerable<(string Name, Tensor Tensor)> Collect(bool recurse, Func<Module, OrderedDictionary<string, Tensor?>> select)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var modules = recurse ? NamedModules() : [(string.Empty, this)];
        foreach (var (prefix, module) in modules)
        {
            foreach (var (name, tensor) in select(module))
            {
                if (tensor is null || !seen.Add(tensor))
                {
                    continue;
                }

                yield return (Join(prefix, name), tensor);
            }
        }
    }

    private Module Convert(Func<Tensor, Tensor> convert, bool floatingOnly)
    {
        using var scope = DisposeScope.Enter();
        foreach (var t in Parameters().Concat(Buffers()))
        {
            if (floatingOnly && !t.DType.IsFloatingPoint())
            {
                continue;
            }

            t.SetData(convert(t));
            var grad = t.Grad;
            grad?.SetData(convert(grad));
        }

        return this;
    }
}
