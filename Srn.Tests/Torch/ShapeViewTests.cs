using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>Aliasing and layout behaviour of views, shapes and indexing that value parity alone does not show.</summary>
[TestFixture]
public sealed class ShapeViewTests
{
    private DisposeScope? scope;

    [SetUp]
    public void EnterScope() => scope = DisposeScope.Enter();

    [TearDown]
    public void ExitScope() => scope?.Dispose();

    private static Tensor Range(long n, params long[] shape) => Tensor.Arange(n).To(ScalarType.Float32).Reshape(shape);

    [Test]
    public void ViewSharesStorageWithItsBase()
    {
        var x = Range(6, 2, 3);
        var v = x.View(3, 2);
        v.IndexPut_([0, 1], 100);
        Assert.That(x.ToArray<float>(), Is.EqualTo(new float[] { 0, 100, 2, 3, 4, 5 }));
    }

    [Test]
    public void TransposeIsANonContiguousViewAndContiguousCopies()
    {
        var x = Range(6, 2, 3);
        var t = x.Transpose(0, 1);
        Assert.Multiple(() =>
        {
            Assert.That(t.Shape, Is.EqualTo(new long[] { 3, 2 }));
            Assert.That(t.Strides, Is.EqualTo(new long[] { 1, 3 }));
            Assert.That(t.IsContiguous, Is.False);
        });

        var c = t.Contiguous();
        Assert.Multiple(() =>
        {
            Assert.That(c.IsContiguous, Is.True);
            Assert.That(c.Strides, Is.EqualTo(new long[] { 2, 1 }));
            Assert.That(c.ToArray<float>(), Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }));
        });
    }

    [Test]
    public void ExpandHasZeroStride()
    {
        var e = Range(3, 3, 1).Expand(3, 4);
        Assert.That(e.Strides, Is.EqualTo(new long[] { 1, 0 }));
    }

    [Test]
    public void SplitAndChunkPiecesAreViews()
    {
        var x = Range(6, 6);
        var pieces = x.Split(4);
        var chunks = x.Chunk(3);
        Assert.That(pieces.Select(p => p.Shape[0]), Is.EqualTo(new long[] { 4, 2 }));
        pieces[1].IndexPut_([0], -1);
        chunks[0].IndexPut_([1], -2);
        Assert.That(x.ToArray<float>(), Is.EqualTo(new float[] { 0, -2, 2, 3, -1, 5 }));
    }

    [Test]
    public void IndexerGetIsAViewForBasicIndicesAndACopyForTensorIndices()
    {
        var x = Range(12, 3, 4);
        var row = x[1, 1..];
        var picked = x[Tensor.FromArray(new long[] { 1 })];
        row.IndexPut_([0], 50);
        picked.IndexPut_([0, 0], 60);
        Assert.Multiple(() =>
        {
            Assert.That(x[1].ToArray<float>(), Is.EqualTo(new float[] { 4, 50, 6, 7 }));
            Assert.That(picked.ToArray<float>(), Is.EqualTo(new float[] { 60, 5, 6, 7 }));
        });
    }

    [Test]
    public void IndexerSetWritesInPlaceWithBroadcasting()
    {
        var x = Tensor.Zeros([2, 3]);
        x[.., 1..] = Tensor.FromArray(new float[] { 7, 8 });
        x[0, 0] = Tensor.Scalar(1f);
        x[Tensor.FromArray(new[] { false, true }), 0] = Tensor.Scalar(2f);
        x.IndexPut_([TensorIndex.Ellipsis, ^1], 9);
        Assert.That(x.ToArray<float>(), Is.EqualTo(new float[] { 1, 7, 9, 2, 7, 9 }));
    }

    [Test]
    public void IndexPutConvertsValueToTheTensorDtype()
    {
        var x = Tensor.Zeros([3], ScalarType.Int64);
        x.IndexPut_([1..], 4.0);
        x[0] = Tensor.Scalar(2.9);
        Assert.That(x.ToArray<long>(), Is.EqualTo(new long[] { 2, 4, 4 }));
    }

    [Test]
    public void SlicesOfCSharpRangesMatchPythonSlices()
    {
        var x = Range(6, 6);
        Assert.Multiple(() =>
        {
            Assert.That(x[..].ToArray<float>(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }));
            Assert.That(x[..^2].ToArray<float>(), Is.EqualTo(new float[] { 0, 1, 2, 3 }));
            Assert.That(x[^4..^1].ToArray<float>(), Is.EqualTo(new float[] { 2, 3, 4 }));
            Assert.That(x[^0..].NumEl, Is.EqualTo(0));
            Assert.That(x[4..2].NumEl, Is.EqualTo(0));
            Assert.That(x[2..100].ToArray<float>(), Is.EqualTo(new float[] { 2, 3, 4, 5 }));
            Assert.That(x[TensorIndex.Slice(-5, null, 2)].ToArray<float>(), Is.EqualTo(new float[] { 1, 3, 5 }));
            Assert.That(x[^1].Item<float>(), Is.EqualTo(5f));
            Assert.That(x[false].Shape, Is.EqualTo(new long[] { 0, 6 }));
        });
    }

    [Test]
    public void TensorIndexDescribesItselfLikePython()
    {
        Assert.Multiple(() =>
        {
            Assert.That(((TensorIndex)(1..^1)).ToString(), Is.EqualTo("1:-1"));
            Assert.That(((TensorIndex)(..)).ToString(), Is.EqualTo("0:"));
            Assert.That(TensorIndex.Slice(null, 3, 2).ToString(), Is.EqualTo(":3:2"));
            Assert.That(((TensorIndex)(^2)).ToString(), Is.EqualTo("-2"));
            Assert.That(TensorIndex.NewAxis.ToString(), Is.EqualTo("None"));
            Assert.That(TensorIndex.Ellipsis.ToString(), Is.EqualTo("..."));
            Assert.That(((TensorIndex)true).ToString(), Is.EqualTo("True"));
            Assert.That((TensorIndex)3 == TensorIndex.Single(3L), Is.True);
            Assert.That(TensorIndex.Slice(1, 2) != TensorIndex.Slice(1, 3), Is.True);
        });
    }

    [Test]
    public void NonZeroAsTupleIndexesTheSameElementsAsTheMask()
    {
        var x = Range(12, 3, 4);
        var mask = Tensor.FromArray(new[] { true, false, false, true, false, true, true, false, false, false, false, true }, [3, 4]);
        var viaTuple = x.Index([.. mask.NonZeroAsTuple().Select(TensorIndex.FromTensor)]);
        Assert.Multiple(() =>
        {
            Assert.That(viaTuple.ToArray<float>(), Is.EqualTo(x[mask].ToArray<float>()));
            Assert.That(mask.NonZero().Shape, Is.EqualTo(new long[] { 5, 2 }));
            Assert.That(mask.NonZero().DType, Is.EqualTo(ScalarType.Int64));
        });
    }

    [Test]
    public void IndexingDoesNotLeakHandles()
    {
        using var inner = DisposeScope.Enter();
        var x = Range(12, 3, 4);
        var idx = Tensor.FromArray(new long[] { 2, 0 });
        var before = LiveTensors.Settled();
        for (var i = 0; i < 20; i++)
        {
            using var perIteration = DisposeScope.Enter();
            var a = x[idx, 1..];
            x[idx, 0] = a[.., 0];
            x.IndexPut_([idx, TensorIndex.Slice(1, null)], 1.0);
            _ = Tensor.Cat(x.Split(2), 0);
            _ = x.NonZeroAsTuple();
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
    }
}
