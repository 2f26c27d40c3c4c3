using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor. Same as <c>Tensor.requires_grad</c>.</summary>
    /// <exception cref="TorchException">When set on a non-leaf or a non-floating tensor.</exception>
    public bool RequiresGrad
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_requires_grad(Handle, out var v));
            return v != 0;
        }

        set => NativeMethods.Check(NativeMethods.srn_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Whether this tensor is a leaf of the autograd graph. Same as <c>Tensor.is_leaf</c>.</summary>
    public bool IsLeaf
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_is_leaf(Handle, out var v));
            return v != 0;
        }
    }

    /// <summary>
    /// The accumulated gradient, or null. Same as <c>Tensor.grad</c>: the returned tensor shares storage
    /// with the gradient, so in-place updates (optimizers, <c>Zero_()</c>) act on it. Setting null clears it.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            var h = NativeMethods.srn_grad(Handle, out var hasGrad);
            if (hasGrad == 0)
            {
                if (h.IsInvalid)
                {
                    h.Dispose();
                    var pending = NativeMethods.srn_last_error_take();
                    if (pending != IntPtr.Zero)
                    {
                        throw new TorchException(NativeMethods.TakeString(pending));
                    }
                }

                return null;
            }

            return Wrap(h);
        }

        set => NativeMethods.Check(NativeMethods.srn_set_grad(Handle, HandleOrNull(value)));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor. Same as <c>Tensor.requires_grad_()</c>.</summary>
    /// <param name="value">The new flag.</param>
    /// <returns>This tensor.</returns>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>
    /// Computes gradients of this tensor with respect to graph leaves and accumulates them into their
    /// <see cref="Grad"/>. Same as <c>Tensor.backward</c>.
    /// </summary>
    /// <param name="gradient">d(output)/d(this); required unless this tensor has one element.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    /// <param name="createGraph">Record the backward pass itself (for higher-order gradients).</param>
    /// <exception cref="TorchException">When the tensor does not require grad, or a non-scalar has no gradient.</exception>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        NativeMethods.Check(NativeMethods.srn_backward(Handle, HandleOrNull(gradient), retainGraph ? 1 : 0, createGraph ? 1 : 0));

    /// <summary>Keeps the gradient of this non-leaf tensor after backward. Same as <c>Tensor.retain_grad()</c>.</summary>
    public void RetainGrad() => NativeMethods.Check(NativeMethods.srn_retain_grad(Handle));

    /// <summary>The same data, cut from the autograd graph. Same as <c>Tensor.detach()</c>.</summary>
    /// <returns>A tensor sharing storage that does not require grad.</returns>
    public Tensor Detach() => Wrap(NativeMethods.srn_detach(Handle));

    /// <summary>Cuts this tensor from the graph in place. Same as <c>Tensor.detach_()</c>.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Detach_()
    {
        NativeMethods.Check(NativeMethods.srn_detach_(Handle));
        return this;
    }
}
