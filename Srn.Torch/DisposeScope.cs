namespace Srn.Torch;

/// <summary>
/// Collects every tensor created on this thread while the scope is the innermost one, and disposes
/// them all when the scope is disposed — the way to keep native memory flat in training loops.
/// </summary>
/// <remarks>
/// Scopes nest and must be disposed in reverse order of creation on the thread that created them.
/// A tensor that must outlive the scope is moved out with <see cref="Tensor.MoveToOuterScope"/>
/// (it joins the enclosing scope, or becomes caller-owned if there is none) or detached with
/// <see cref="Tensor.DetachFromScope"/> (caller-owned: parameters, buffers and optimizer state).
/// There is no PyTorch equivalent: Python relies on reference counting, .NET on this.
/// </remarks>
/// <example>
/// <code>
/// using (var scope = DisposeScope.Enter())
/// {
///     var loss = Functional.MseLoss(model(x), y);
///     loss.Backward();
/// } // every intermediate tensor is freed here
/// </code>
/// </example>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? current;

    private readonly List<Tensor> tensors = [];
    private readonly int threadId;
    private bool disposed;

    private DisposeScope()
    {
        Outer = current;
        threadId = Environment.CurrentManagedThreadId;
        current = this;
    }

    /// <summary>The innermost scope of this thread, or null when none is open.</summary>
    public static DisposeScope? Current => current;

    /// <summary>The scope that was current when this one was entered.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>How many tensors this scope still owns.</summary>
    public int Count => tensors.Count(t => ReferenceEquals(t.Scope, this));

    /// <summary>Opens a new innermost scope on this thread.</summary>
    /// <returns>The scope; dispose it to free what it collected.</returns>
    public static DisposeScope Enter() => new();

    /// <summary>Disposes every tensor the scope still owns and makes the outer scope current again.</summary>
    /// <exception cref="InvalidOperationException">When called from another thread or out of nesting order.</exception>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        if (threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("A DisposeScope must be disposed on the thread that entered it.");
        }

        if (!ReferenceEquals(current, this))
        {
            throw new InvalidOperationException("DisposeScopes must be disposed innermost first.");
        }

        disposed = true;
        current = Outer;
        for (var i = tensors.Count - 1; i >= 0; i--)
        {
            var t = tensors[i];
            if (ReferenceEquals(t.Scope, this))
            {
                t.Scope = null;
                t.Dispose();
            }
        }

        tensors.Clear();
    }

    internal static void RegisterInCurrent(Tensor tensor)
    {
        var scope = current;
        if (scope is not null)
        {
            scope.Add(tensor);
        }
    }

    internal void Add(Tensor tensor)
    {
        tensor.Scope = this;
        tensors.Add(tensor);
    }
}
