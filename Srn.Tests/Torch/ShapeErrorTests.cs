using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>Bad input to views, shapes and indexing raises a managed exception with a clear message, never a native crash.</summary>
[TestFixture]
public sealed class ShapeErrorTests
{
    private DisposeScope? scope;

    [SetUp]
    public void EnterScope() => scope = DisposeScope.Enter();

    [TearDown]
    public void ExitScope() => scope?.Dispose();

    private static Tensor X234() => Tensor.Arange(24L).Reshape(2, 3, 4).To(ScalarType.Float32);

    [Test]
    public void ReshapeToIncompatibleSize()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Reshape(5, 5));
        Assert.That(ex!.Message, Does.Contain("invalid for input of size 24"));
    }

    [Test]
    public void ViewOfNonContiguousTensorSuggestsReshape()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Transpose(0, 2).View(-1));
        Assert.That(ex!.Message, Does.Contain("reshape"));
    }

    [Test]
    public void ViewWithTwoInferredSizes()
    {
        var ex = Assert.Throws<TorchException>(() => X234().View(-1, -1));
        Assert.That(ex!.Message, Does.Contain("only one dimension can be inferred"));
    }

    [TestCase(3)]
    [TestCase(-4)]
    public void TransposeOutOfRangeDim(long dim)
    {
        var ex = Assert.Throws<TorchException>(() => X234().Transpose(0, dim));
        Assert.That(ex!.Message, Does.Contain("Dimension out of range"));
    }

    [Test]
    public void OutOfRangeDimsAcrossOps()
    {
        var x = X234();
        Assert.Multiple(() =>
        {
            Assert.That(() => x.Squeeze(3), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.Unsqueeze(4), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.Flatten(0, 5), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.Flip(3), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.Roll(1, 7), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.Split(2, 3), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.Chunk(2, -4), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => x.IndexSelect(5, Tensor.Arange(2L)), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => Tensor.Cat([x, x], 3), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
            Assert.That(() => Tensor.Stack([x, x], 4), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
        });
    }

    [Test]
    public void FlattenWithStartAfterEnd()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Flatten(2, 0));
        Assert.That(ex!.Message, Does.Contain("start_dim"));
    }

    [Test]
    public void PermuteThatIsNotAPermutation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => X234().Permute(0, 1), Throws.TypeOf<TorchException>().With.Message.Contains("does not match the length of the desired ordering"));
            Assert.That(() => X234().Permute(0, 1, 1), Throws.TypeOf<TorchException>().With.Message.Contains("duplicate dims are not allowed"));
        });
    }

    [Test]
    public void ExpandOfNonSingletonDimension()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Expand(2, 5, 4));
        Assert.That(ex!.Message, Does.Contain("must match the existing size"));
    }

    [Test]
    public void RepeatWithFewerCountsThanDims()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Repeat(2, 2));
        Assert.That(ex!.Message, Does.Contain("Number of dimensions of repeat dims can not be smaller"));
    }

    [Test]
    public void CatOfMismatchedShapes()
    {
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([2, 4]);
        var ex = Assert.Throws<TorchException>(() => Tensor.Cat([a, b], 0));
        Assert.That(ex!.Message, Does.Contain("Sizes of tensors must match"));
    }

    [Test]
    public void CatOfEmptyListAndNulls()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Tensor.Cat([]), Throws.TypeOf<TorchException>().With.Message.Contains("non-empty"));
            Assert.That(() => Tensor.Stack([]), Throws.TypeOf<TorchException>().With.Message.Contains("non-empty"));
            Assert.That(() => Tensor.Cat(null!), Throws.ArgumentNullException);
            Assert.That(() => Tensor.Cat([Tensor.Zeros([1]), null!]), Throws.ArgumentNullException.With.Message.Contains("tensor 1"));
        });
    }

    [Test]
    public void CatOfDisposedTensor()
    {
        var a = Tensor.Zeros([2]);
        var b = Tensor.Zeros([2]);
        b.Dispose();
        Assert.That(() => Tensor.Cat([a, b]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void StackOfDifferentShapes()
    {
        var ex = Assert.Throws<TorchException>(() => Tensor.Stack([Tensor.Zeros([2, 3]), Tensor.Zeros([3, 2])]));
        Assert.That(ex!.Message, Does.Contain("stack expects each tensor to be equal size"));
    }

    [Test]
    public void SplitSizesThatDoNotAddUp()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Split([1, 1], 1));
        Assert.That(ex!.Message, Does.Contain("split_with_sizes expects split_sizes to sum exactly to 3"));
    }

    [Test]
    public void NarrowPastTheEnd()
    {
        var ex = Assert.Throws<TorchException>(() => X234().Narrow(2, 2, 3));
        Assert.That(ex!.Message, Does.Contain("exceeds dimension size"));
    }

    [Test]
    public void GatherWithWrongIndexDtype()
    {
        var index = Tensor.Zeros([2, 3, 1], ScalarType.Int32);
        var ex = Assert.Throws<TorchException>(() => X234().Gather(2, index));
        Assert.That(ex!.Message, Does.Contain("gather(): Expected dtype int64 for index"));
    }

    [Test]
    public void GatherWithOutOfRangeIndex()
    {
        var index = Tensor.Full([2, 3, 1], 9, ScalarType.Int64);
        var ex = Assert.Throws<TorchException>(() => X234().Gather(2, index));
        Assert.That(ex!.Message, Does.Contain("out of bounds"));
    }

    [Test]
    public void ScatterWithFloatIndexAndDtypeMismatch()
    {
        var x = Tensor.Zeros([3, 4]);
        Assert.Multiple(() =>
        {
            Assert.That(() => x.Scatter(0, Tensor.Zeros([1, 4]), Tensor.Ones([1, 4])), Throws.TypeOf<TorchException>().With.Message.Contains("Expected dtype int64 for index"));
            Assert.That(() => x.ScatterAdd(0, Tensor.Zeros([1, 4], ScalarType.Int64), Tensor.Ones([1, 4], ScalarType.Float64)), Throws.TypeOf<TorchException>().With.Message.Contains("Expected self.dtype to be equal to src.dtype"));
            Assert.That(() => x.Scatter(0, Tensor.Full([1, 4], 3, ScalarType.Int64), 1.0), Throws.TypeOf<TorchException>().With.Message.Contains("out of bounds"));
        });
    }

    [Test]
    public void IndexSelectWithOutOfRangeIndex()
    {
        var ex = Assert.Throws<TorchException>(() => X234().IndexSelect(1, Tensor.FromArray(new long[] { 0, 3 })));
        Assert.That(ex!.Message, Does.Contain("out of DATA bounds"));
    }

    [Test]
    public void MaskedFillWithNonBoolMaskOrNonScalarValue()
    {
        var x = Tensor.Zeros([3, 4]);
        Assert.Multiple(() =>
        {
            Assert.That(() => x.MaskedFill(Tensor.Ones([3, 4]), 1.0), Throws.TypeOf<TorchException>().With.Message.Contains("the mask must be a bool tensor, got Float"));
            Assert.That(() => x.MaskedFill(Tensor.Ones([3, 4], ScalarType.Bool), Tensor.Ones([2])), Throws.TypeOf<TorchException>().With.Message.Contains("0-dimensional"));
            Assert.That(() => x.MaskedFill(Tensor.Ones([5], ScalarType.Bool), 1.0), Throws.TypeOf<TorchException>().With.Message.Contains("must match the size"));
        });
    }

    [Test]
    public void WhereWithNonBoolConditionOrBadShapes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Tensor.Where(Tensor.Ones([3]), Tensor.Ones([3]), Tensor.Zeros([3])), Throws.TypeOf<TorchException>().With.Message.Contains("condition"));
            Assert.That(() => Tensor.Where(Tensor.Ones([3], ScalarType.Bool), Tensor.Ones([3]), Tensor.Zeros([4])), Throws.TypeOf<TorchException>().With.Message.Contains("must match the size"));
        });
    }

    [Test]
    public void GetWithOutOfRangeIndex()
    {
        var x = X234();
        Assert.Multiple(() =>
        {
            Assert.That(() => x[2], Throws.TypeOf<TorchException>().With.Message.Contains("index 2 is out of bounds for dimension 0 with size 2"));
            Assert.That(() => x[0, -4], Throws.TypeOf<TorchException>().With.Message.Contains("index -4 is out of bounds for dimension 1 with size 3"));
            Assert.That(() => x[0, 0, 0, 0], Throws.TypeOf<TorchException>().With.Message.Contains("too many indices"));
            Assert.That(() => x[Tensor.FromArray(new long[] { 0, 5 })], Throws.TypeOf<TorchException>().With.Message.Contains("out of bounds"));
        });
    }

    [Test]
    public void SetWithOutOfRangeIndex()
    {
        var x = X234();
        var v = Tensor.Ones([4]);
        Assert.Multiple(() =>
        {
            Assert.That(() => x[5, 0] = v, Throws.TypeOf<TorchException>().With.Message.Contains("index 5 is out of bounds for dimension 0 with size 2"));
            Assert.That(() => x.IndexPut_([0, 3], 1.0), Throws.TypeOf<TorchException>().With.Message.Contains("index 3 is out of bounds for dimension 1 with size 3"));
            Assert.That(() => x[Tensor.FromArray(new long[] { 7 })] = Tensor.Zeros([1]), Throws.TypeOf<TorchException>().With.Message.Contains("out of bounds"));
        });
    }

    [Test]
    public void SetWithValueThatDoesNotBroadcast()
    {
        var x = X234();
        var ex = Assert.Throws<TorchException>(() => x[0] = Tensor.Ones([2, 4]));
        Assert.That(ex!.Message, Does.Contain("shape mismatch").Or.Contain("must match the size").Or.Contain("expand"));
    }

    [Test]
    public void IndexWithFloatTensor()
    {
        var x = X234();
        var ex = Assert.Throws<TorchException>(() => _ = x[Tensor.Zeros([2])]);
        Assert.That(ex!.Message, Does.Contain("tensors used as indices must be long, byte or bool tensors"));
    }

    [Test]
    public void IndexWithMaskOfWrongShape()
    {
        var ex = Assert.Throws<TorchException>(() => _ = X234()[Tensor.Ones([3], ScalarType.Bool)]);
        Assert.That(ex!.Message, Does.Contain("The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3, 4]"));
    }

    [Test]
    public void IndexWithTwoEllipsesIsRejectedInCSharp()
    {
        // libtorch's C++ indexing (and Python 1.13) quietly accepts this and picks something; we refuse.
        var ex = Assert.Throws<ArgumentException>(() => _ = X234()[TensorIndex.Ellipsis, 0, TensorIndex.Ellipsis]);
        Assert.That(ex!.Message, Does.Contain("single ellipsis"));
    }

    [Test]
    public void SliceWithNonPositiveStep()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => X234()[TensorIndex.Slice(null, null, 0)], Throws.TypeOf<TorchException>().With.Message.Contains("slice step cannot be zero"));
            Assert.That(() => X234()[TensorIndex.Slice(null, null, -1)], Throws.TypeOf<TorchException>().With.Message.Contains("step must be greater than zero"));
        });
    }

    [Test]
    public void HatZeroIsRejectedInCSharp()
    {
        var x = X234();
        Assert.Multiple(() =>
        {
            Assert.That(() => x[^0], Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("^0"));
            Assert.That(() => x[0, ^0] = Tensor.Zeros([4]), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void NullArgumentsAreRejectedInCSharp()
    {
        var x = X234();
        Assert.Multiple(() =>
        {
            Assert.That(() => x.Index(null!), Throws.ArgumentNullException);
            Assert.That(() => x.IndexPut_([0], (Tensor)null!), Throws.ArgumentNullException);
            Assert.That(() => x.Gather(0, null!), Throws.ArgumentNullException);
            Assert.That(() => x.ExpandAs(null!), Throws.ArgumentNullException);
            Assert.That(() => TensorIndex.FromTensor(null!), Throws.ArgumentNullException);
            Assert.That(() => x.Split(null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public void InPlaceSetOnLeafThatRequiresGrad()
    {
        var x = Tensor.Zeros([3], requiresGrad: true);
        var ex = Assert.Throws<TorchException>(() => x[0] = Tensor.Ones([]));
        Assert.That(ex!.Message, Does.Contain("leaf Variable that requires grad"));
    }

    [Test]
    public void FailuresDoNotLeakHandles()
    {
        using var inner = DisposeScope.Enter();
        var x = X234();
        var before = LiveTensors.Settled();
        for (var i = 0; i < 50; i++)
        {
            Assert.Throws<TorchException>(() => x.Reshape(7));
            Assert.Throws<TorchException>(() => _ = x[9]);
            Assert.Throws<TorchException>(() => x.Chunk(0));
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
    }
}
