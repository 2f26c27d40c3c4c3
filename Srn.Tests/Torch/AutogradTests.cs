using Srn.Torch;

namespace Srn.Tests.Torch;

[TestFixture]
public sealed class AutogradTests
{
    [Test]
    public void Backward_accumulates_gradients_into_leaves()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_();
        Assert.That(x.Grad, Is.Null);
        (x * x).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 2, 4, 6 }));
        (x * 3.0).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 5, 7, 9 }), "gradients accumulate");
        x.Grad!.Zero_();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 0, 0, 0 }), "Grad aliases the stored gradient");
        x.Grad = null;
        Assert.That(x.Grad, Is.Null);
    }

    [Test]
    public void Backward_with_an_explicit_gradient()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x * 2.0;
        y.Backward(Tensor.FromArray(new float[] { 10, 100 }));
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 20, 200 }));
    }

    [Test]
    public void A_second_backward_needs_retain_graph()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x.Exp().Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.That(() => y.Backward(), Throws.TypeOf<TorchException>().With.Message.Contains("backward through the graph a second time"));
    }

    [Test]
    public void Non_scalar_backward_without_gradient_and_backward_without_grad_are_clear_errors()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x * 2.0;
        Assert.That(() => y.Backward(), Throws.TypeOf<TorchException>().With.Message.Contains("scalar"));
        var plain = Tensor.Ones([2]).Sum();
        Assert.That(() => plain.Backward(), Throws.TypeOf<TorchException>().With.Message.Contains("does not require grad"));
    }

    [Test]
    public void Detach_cuts_the_graph_but_shares_storage()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x * 2.0;
        var d = y.Detach();
        Assert.Multiple(() =>
        {
            Assert.That(y.RequiresGrad, Is.True);
            Assert.That(y.IsLeaf, Is.False);
            Assert.That(d.RequiresGrad, Is.False);
            Assert.That(d.IsLeaf, Is.True);
        });
        d.Fill_(7);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new float[] { 7, 7 }));
    }

    [Test]
    public void RetainGrad_keeps_the_gradient_of_an_intermediate()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x * 3.0;
        y.RetainGrad();
        (y * y).Sum().Backward();
        Assert.That(y.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 6, 12 }));
    }

    [Test]
    public void Create_graph_gives_second_derivatives()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new double[] { 2 }).RequiresGrad_();
        var y = x.Pow(3).Sum();
        y.Backward(createGraph: true);
        var dx = x.Grad!.Clone();
        Assert.That(dx.Item<double>(), Is.EqualTo(12));
        x.Grad = null;
        dx.Sum().Backward();
        Assert.That(x.Grad!.Item<double>(), Is.EqualTo(12), "d²(x³)/dx² = 6x = 12");
    }

    [Test]
    public void NoGrad_EnableGrad_and_InferenceMode_guards_nest_and_restore()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.That(Autograd.IsGradEnabled, Is.True);
        using (Autograd.NoGrad())
        {
            Assert.That(Autograd.IsGradEnabled, Is.False);
            Assert.That((x * 2.0).RequiresGrad, Is.False);
            using (Autograd.EnableGrad())
            {
                Assert.That(Autograd.IsGradEnabled, Is.True);
                Assert.That((x * 2.0).RequiresGrad, Is.True);
            }

            Assert.That(Autograd.IsGradEnabled, Is.False);
        }

        Assert.That(Autograd.IsGradEnabled, Is.True);
        using (Autograd.InferenceMode())
        {
            Assert.That(Autograd.IsInferenceMode, Is.True);
            Assert.That((x * 2.0).RequiresGrad, Is.False);
        }

        Assert.That(Autograd.IsInferenceMode, Is.False);
    }

    [Test]
    public void Guards_must_be_disposed_on_their_own_thread()
    {
        var guard = Autograd.NoGrad();
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                guard.Dispose();
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        guard.Dispose();
        Assert.That(error, Is.Not.Null);
        Assert.That(Autograd.IsGradEnabled, Is.True);
    }

    [Test]
    public void Setting_requires_grad_on_an_integer_tensor_is_a_clear_error()
    {
        using var i = Tensor.Arange(3);
        Assert.That(() => i.RequiresGrad = true, Throws.TypeOf<TorchException>().With.Message.Contains("floating point"));
    }
}
