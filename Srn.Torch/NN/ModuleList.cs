using System.Collections;
using System.Globalization;

namespace Srn.Torch.NN;

/// <summary>
/// An indexable list of child modules, named "0", "1", ... in order, so their parameters appear in state dicts as
/// <c>heads.0.weight</c>. It has no forward computation: the owner decides how to use the children.
/// Same as <c>torch.nn.ModuleList</c>; the type argument gives typed access (<c>ModuleList&lt;Linear&gt;</c>).
/// </summary>
/// <typeparam name="T">The children's type.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "ModuleList is torch.nn.ModuleList's name.")]
public class ModuleList<T> : Module, IReadOnlyList<T>
    where T : Module
{
    private readonly List<T> items = [];

    /// <summary>Creates the list from modules in order.</summary>
    /// <param name="modules">The modules.</param>
    public ModuleList(params IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;

    /// <summary>The module at a position (<c>list[^1]</c> is the last).</summary>
    /// <param name="index">The position.</param>
    /// <returns>The module.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the position is outside the list.</exception>
    public T this[int index] => items[index];

    /// <summary>Appends a module, named by its position. Same as <c>ModuleList.append</c>.</summary>
    /// <param name="module">The module (the list takes ownership: disposing the list disposes it).</param>
    /// <returns>This list.</returns>
    public ModuleList<T> Add(T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(items.Count.ToString(CultureInfo.InvariantCulture), module);
        items.Add(module);
        return this;
    }

    /// <summary>Appends modules in order. Same as <c>ModuleList.extend</c>.</summary>
    /// <param name="modules">The modules.</param>
    /// <returns>This list.</returns>
    public ModuleList<T> AddRange(IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }

        return this;
    }

    /// <summary>Enumerates the modules in order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A <see cref="ModuleList{T}"/> of modules of any type. Same as <c>torch.nn.ModuleList</c>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "ModuleList is torch.nn.ModuleList's name.")]
public sealed class ModuleList : ModuleList<Module>
{
    /// <summary>Creates the list from modules in order.</summary>
    /// <param name="modules">The modules.</param>
    public ModuleList(params IEnumerable<Module> modules)
        : base(modules)
    {
    }
}
